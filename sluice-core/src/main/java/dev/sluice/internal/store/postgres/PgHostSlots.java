package dev.sluice.internal.store.postgres;

import dev.sluice.StoreException;
import dev.sluice.spi.HostSlots;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-host slots in PostgreSQL (table {@code host_slots}): a host has one row per slot of its cap; a worker
 * holds a slot by owning its row under a lease (by the database's clock), renewed while held. A row whose
 * lease expired (its worker died) is free again. Taken with {@code FOR UPDATE SKIP LOCKED}, like the queue.
 *
 * <p>Not thread-safe: used only by the {@code SlotBroker}'s thread.
 */
final class PgHostSlots implements HostSlots {
    private final PgDatabase db;
    private final String owner;
    private final Duration lease;
    /** The slots held, by host. */
    private final Map<String, TreeSet<Integer>> held = new HashMap<>();
    /** Hosts whose slot rows exist, at the cap they were made for. */
    private final Map<String, Integer> prepared = new HashMap<>();

    PgHostSlots(PgDatabase db, String owner, Duration lease) {
        this.db = db;
        this.owner = owner;
        this.lease = lease;
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public int held(String hostKey) {
        TreeSet<Integer> mine = held.get(hostKey);
        return mine == null ? 0 : mine.size();
    }

    @Override
    public Set<String> heldHosts() {
        return held.keySet();
    }

    @Override
    public int acquire(String hostKey, int cap, int wanted) throws StoreException {
        try (Connection c = db.connection()) {
            if (!Integer.valueOf(cap).equals(prepared.get(hostKey))) {
                try (PreparedStatement st = c.prepareStatement(
                        "INSERT INTO host_slots (host_key, slot) SELECT ?, generate_series(0, ? - 1) ON CONFLICT DO NOTHING")) {
                    st.setString(1, hostKey);
                    st.setInt(2, cap);
                    st.executeUpdate();
                }
                prepared.put(hostKey, cap);
            }
            int got = 0;
            try (PreparedStatement st = c.prepareStatement("""
                    WITH free AS (
                        SELECT slot FROM host_slots
                        WHERE host_key = ? AND slot < ? AND (owner IS NULL OR lease_until < now())
                        ORDER BY slot LIMIT ? FOR UPDATE SKIP LOCKED
                    )
                    UPDATE host_slots s SET owner = ?, lease_until = now() + ? * interval '1 millisecond'
                    FROM free WHERE s.host_key = ? AND s.slot = free.slot
                    RETURNING s.slot""")) {
                st.setString(1, hostKey);
                st.setInt(2, cap);
                st.setInt(3, wanted);
                st.setString(4, owner);
                st.setLong(5, lease.toMillis());
                st.setString(6, hostKey);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        held.computeIfAbsent(hostKey, k -> new TreeSet<>()).add(rs.getInt(1));
                        got++;
                    }
                }
            }
            if (got < wanted) {
                want(c, hostKey);
            }
            return got;
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot take per-host slots", e);
        }
    }

    /** Says that this worker wants the host and went short, for a while (renewed as long as it goes short). */
    private void want(Connection c, String hostKey) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO host_wants (host_key, worker, wanted_until) VALUES (?, ?, now() + interval '1 second')
                ON CONFLICT (host_key, worker) DO UPDATE SET wanted_until = excluded.wanted_until""")) {
            st.setString(1, hostKey);
            st.setString(2, owner);
            st.executeUpdate();
        }
    }

    @Override
    public Map<String, Integer> fairShares(Collection<String> hostKeys, int cap) throws StoreException {
        Map<String, Integer> shares = new HashMap<>();
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("""
                SELECT x.host_key, count(DISTINCT x.worker) FROM (
                    SELECT host_key, owner AS worker FROM host_slots
                    WHERE host_key = ANY(?) AND owner IS NOT NULL AND lease_until > now()
                    UNION ALL
                    SELECT host_key, worker FROM host_wants WHERE host_key = ANY(?) AND wanted_until > now()
                ) x GROUP BY x.host_key""")) {
            Object[] keys = hostKeys.toArray();
            st.setArray(1, c.createArrayOf("text", keys));
            st.setArray(2, c.createArrayOf("text", keys));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int workers = Math.max(1, rs.getInt(2));
                    shares.put(rs.getString(1), Math.max(1, (cap + workers - 1) / workers));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot read who wants per-host slots", e);
        }
        return shares;
    }

    @Override
    public void release(String hostKey, int count) throws StoreException {
        TreeSet<Integer> mine = held.get(hostKey);
        if (mine == null || count <= 0) {
            return;
        }
        List<Integer> giving = new ArrayList<>();
        for (Iterator<Integer> it = mine.descendingIterator(); it.hasNext() && giving.size() < count; ) {
            giving.add(it.next());
        }
        // Forgotten first: if the update fails, they are not renewed and expire by themselves.
        giving.forEach(mine::remove);
        if (mine.isEmpty()) {
            held.remove(hostKey);
        }
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement(
                "UPDATE host_slots SET owner = NULL, lease_until = NULL WHERE host_key = ? AND slot = ANY(?) AND owner = ?")) {
            st.setString(1, hostKey);
            st.setArray(2, c.createArrayOf("integer", giving.toArray()));
            st.setString(3, owner);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot give back per-host slots", e);
        }
    }

    @Override
    public void renew() throws StoreException {
        if (held.isEmpty()) {
            return;
        }
        Set<String> renewed = new HashSet<>();
        // Only the slots known here: one whose taking committed but whose answer was lost is left to expire.
        List<String> hosts = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        held.forEach((host, slots) -> slots.forEach(slot -> {
            hosts.add(host);
            numbers.add(slot);
        }));
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("""
                UPDATE host_slots s SET lease_until = now() + ? * interval '1 millisecond'
                FROM unnest(?::text[], ?::integer[]) AS k(host_key, slot)
                WHERE s.host_key = k.host_key AND s.slot = k.slot AND s.owner = ?
                RETURNING s.host_key, s.slot""")) {
            st.setLong(1, lease.toMillis());
            st.setArray(2, c.createArrayOf("text", hosts.toArray()));
            st.setArray(3, c.createArrayOf("integer", numbers.toArray()));
            st.setString(4, owner);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    renewed.add(rs.getString(1) + "\n" + rs.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot renew per-host slots", e);
        }
        // A slot not renewed had expired and was taken by another worker: it is no longer ours.
        for (Iterator<Map.Entry<String, TreeSet<Integer>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, TreeSet<Integer>> e = it.next();
            e.getValue().removeIf(slot -> !renewed.contains(e.getKey() + "\n" + slot));
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    @Override
    public void releaseAll() throws StoreException {
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement(
                "UPDATE host_slots SET owner = NULL, lease_until = NULL WHERE owner = ?")) {
            st.setString(1, owner);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot give back per-host slots", e);
        }
        held.clear();
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("DELETE FROM host_wants WHERE worker = ?")) {
            st.setString(1, owner);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot withdraw this worker's wants of per-host slots", e);
        }
    }
}
