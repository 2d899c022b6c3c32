package dev.sluice.internal.limit;

import dev.sluice.HostEvents;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import dev.sluice.internal.fetch.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;

/**
 * Decides which URL is sent next, and when: the politeness of a run.
 *
 * <p>Every host (politeness key) has its own queue, cap (fixed, or {@link AdaptiveLimit adaptive}),
 * pace (per-host rate, Crawl-delay), {@link HostBackoff back-off} and {@link HostBreaker breaker}; the
 * global cap and the global rate hold over all hosts. A URL waits in its host's queue, holding no
 * global slot and no thread, until its host can send and a global slot is free. Hosts that can send
 * take turns (a ring, one request each per turn), so a host with many URLs cannot crowd out the others,
 * and a host that is at its cap, pacing or backing off holds no one back.
 *
 * <p>Granted URLs run on fresh virtual threads ({@code sluice-fetch}); nothing blocks while the lock is
 * held, and callbacks are started only after it is released. One timer thread ({@code sluice-timer})
 * wakes hosts when their pace or back-off ends, and brings URLs back after their own retry delay.
 * Time is read from a {@link Ticker} and wake-ups go through a {@link Timer}, so that tests can set both by hand.
 *
 * <p>Thread-safe: all state is guarded by one {@link ReentrantLock} (not {@code synchronized}: virtual
 * threads take it). Used for one run; {@link #shutdown()} ends it.
 */
public final class Scheduler {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** Idle hosts whose state (adaptive limit, back-off, breaker) is kept for when their URLs come back. */
    private static final int IDLE_HOSTS_KEPT = 10_000;
    private static final long LIMIT_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(5);
    private static final long HELD_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(5);
    /** Where an adaptive limit starts: low enough to be gentle, and slow start doubles it quickly. */
    private static final int INITIAL_ADAPTIVE_LIMIT = 4;

    /** A URL to send. Its callbacks run on a fresh virtual thread each, never under the scheduler's lock. */
    public interface Task {
        /** The politeness key of the URL's host. */
        String hostKey();

        /** The URL may be sent now. The task must {@link Permit#close() close} the permit exactly once. */
        void granted(Permit permit);

        /** The URL will not be sent ({@code host_down}); the task holds nothing. */
        void refused(ErrorKind kind, String detail);
    }

    /** What an answer tells about its host. */
    public enum Signal {
        /** The host answered (any status but 429 and 503). */
        ANSWERED,
        /**
         * 429 or 503: the host pushed back on this request. Whether it asks to be left alone as a whole, or only
         * for this URL, the scheduler judges from its recent answers ({@link PushbackWindow}).
         */
        THROTTLED,
        /** The connection could not be made: refused, unreachable, unknown host. */
        REFUSED,
        /** No complete answer within the timeout: the host may be down, or this URL slow. */
        TIMED_OUT,
        /** Nothing learnt about the host (cancelled, or failed on our side). */
        NONE
    }

    private final int concurrency;
    private final int perHost;
    private final boolean adaptive;
    private final long globalPaceNanos;
    private final long hostPaceNanos;
    private final int breakerThreshold;
    private final long breakerCooldownNanos;
    private final RetryPolicy retryPolicy;
    private final Ticker ticker;
    /** Wake-ups: {@code sluice-timer} in a run. */
    private final Timer timer;
    /** Starts grants and refusals, after the lock is released: a fresh virtual thread each in a run. */
    private final Executor fetchThreads;
    /** The jitter of hosts' back-off: given an exclusive bound b > 0, a uniform value in [0, b). */
    private final LongUnaryOperator random;
    /** Whether hosts' slots are shared with other workers: then a host sends only on the slots it holds. */
    private final boolean sharedSlots;
    /**
     * Hears of hosts held back, down and back: fenced ({@link FencedHostEvents}), and called after the lock is released,
     * by the thread that made the events, in order (collected under the lock as {@link Note}s).
     */
    private final HostEvents events;
    /** Told (after the lock is released) when a host could use more shared slots than it holds. */
    private volatile Runnable slotsWanted = () -> { };

    /** Package-private: tests check that no callback runs while it is held. */
    final ReentrantLock lock = new ReentrantLock();
    // --- guarded by lock ---
    private final Map<String, Host> active = new HashMap<>();
    private final LinkedHashMap<String, Host> idle = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Host> eldest) {
            return size() > IDLE_HOSTS_KEPT;
        }
    };
    private final ArrayDeque<Host> ready = new ArrayDeque<>();
    private final Set<Task> delayedTasks = new HashSet<>();
    private int inFlight;
    /** Hosts seen in this run, as long as too few to use the global cap under the per-host one. */
    private final Set<String> hostsSeen = new HashSet<>();
    /** Whether the run was told that the per-host cap leaves part of the global one unusable. */
    private boolean perHostNoticed;
    private long globalNextStart;
    private boolean globalWakePending;
    private boolean closed;

    /**
     * With {@code sharedSlots}, hosts hold no slot until {@link #setSlots} lets them use some (see {@link SlotBroker}).
     * {@code events} hears of hosts held back, down and back, after this scheduler's lock is released.
     */
    public Scheduler(SluiceConfig config, RetryPolicy retryPolicy, boolean sharedSlots, HostEvents events) {
        this(config, retryPolicy, sharedSlots, events, Ticker.SYSTEM, Timer.onThread("sluice-timer"),
                r -> Thread.ofVirtual().name("sluice-fetch").start(r), bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /** With its clock, wake-ups, threads and jitter given: tests set them by hand. */
    Scheduler(SluiceConfig config, RetryPolicy retryPolicy, boolean sharedSlots, HostEvents events, Ticker ticker, Timer timer,
              Executor fetchThreads, LongUnaryOperator random) {
        this.events = new FencedHostEvents(events);
        this.sharedSlots = sharedSlots;
        this.concurrency = config.concurrency();
        this.perHost = config.perHostLimit();
        this.adaptive = config.adaptive();
        this.globalPaceNanos = pace(config.ratePerSecond());
        this.hostPaceNanos = pace(config.perHostRate());
        this.breakerThreshold = config.breakerFailures();
        this.breakerCooldownNanos = config.breakerCooldown().toNanos();
        this.retryPolicy = retryPolicy;
        this.ticker = ticker;
        this.timer = timer;
        this.fetchThreads = fetchThreads;
        this.random = random;
        this.globalNextStart = ticker.read();
    }

    private static long pace(double perSecond) {
        return perSecond > 0 ? Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) / perSecond)) : 0;
    }

    /** Queues a URL for its host. Returns false, queuing nothing, once the scheduler is shut down. */
    public boolean submit(Task task) {
        return enqueue(task, false);
    }

    /**
     * Puts back a URL whose host pushed back (429/503) at the head of its host's queue: the host-wide
     * back-off is its wait. Returns false once the scheduler is shut down.
     */
    public boolean resubmit(Task task) {
        return enqueue(task, true);
    }

    /**
     * Queues a URL after its own retry delay, holding nothing meanwhile, first in its host's line: the delay is the
     * wait its failure asked for. (At the back, a retry waited for the host's whole backlog as well: with 4,000 URLs
     * queued for a host at 150 a second, a 503 retried after 250 ms of back-off was sent 20 s later, measured.) A URL
     * retries a bounded number of times, so fresh URLs are not starved. Returns false once shut down.
     */
    public boolean submitAfter(Task task, Duration delay) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            host(task.hostKey()).delayed++;
            delayedTasks.add(task);
            // Under the lock: shutdown() cannot stop the timer between the check of closed and this.
            timer.schedule(() -> comeBack(task), delay.toNanos());
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void comeBack(Task task) {
        List<Runnable> launches = new ArrayList<>();
        lock.lock();
        try {
            if (!delayedTasks.remove(task)) {
                return; // taken by shutdown()
            }
            Host h = host(task.hostKey());
            h.delayed--;
            h.queue.addFirst(task);
            long now = ticker.read();
            changed(h, now, launches);
        } finally {
            lock.unlock();
        }
        launch(launches);
    }

    private boolean enqueue(Task task, boolean first) {
        List<Runnable> launches = new ArrayList<>(1);
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            Host h = host(task.hostKey());
            if (first) {
                h.queue.addFirst(task);
            } else {
                h.queue.addLast(task);
            }
            long now = ticker.read();
            changed(h, now, launches); // (its URL may have been refused at once)
        } finally {
            lock.unlock();
        }
        launch(launches);
        return true;
    }

    /**
     * Ends the run's scheduling: nothing is granted any more, and the URLs still waiting (queued or
     * between retries) are returned, for the caller to account as cancelled. Requests in flight keep
     * their permits. Idempotent; later calls return nothing.
     */
    public List<Task> shutdown() {
        List<Task> waiting = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return waiting;
            }
            closed = true;
            for (Host h : active.values()) {
                waiting.addAll(h.queue);
                h.queue.clear();
            }
            waiting.addAll(delayedTasks);
            delayedTasks.clear();
            ready.clear();
        } finally {
            lock.unlock();
        }
        timer.shutdown();
        return waiting;
    }

    /**
     * Spaces the starts of requests to a host by at least {@code interval} (a robots.txt Crawl-delay), or by
     * the per-host rate if that is slower, counting from now (the request that brought the news).
     */
    public void pace(String hostKey, Duration interval) {
        lock.lock();
        try {
            if (!closed) {
                Host h = host(hostKey);
                long now = ticker.read();
                h.paceNanos = Math.max(hostPaceNanos, interval.toNanos());
                if (now + h.spacing() - h.nextStart > 0) {
                    h.nextStart = now + h.spacing();
                }
                restIfIdle(h, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests in flight now, over all hosts. */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The sum of the limits of hosts with work (at most the global cap): the concurrency the run may use now. */
    public int limit() {
        lock.lock();
        try {
            long sum = 0;
            for (Host h : active.values()) {
                sum += h.learntLimit();
            }
            return (int) Math.min(concurrency, sum);
        } finally {
            lock.unlock();
        }
    }

    /** A host's want of shared slots: as many as it could use now ({@code wanted}), those it may use, those in use. */
    public record SlotNeed(String hostKey, int cap, int wanted, int held, int inFlight) {
    }

    /** Sets what to call when a host could use more shared slots than it holds (see {@link SlotBroker}). */
    public void onSlotsWanted(Runnable r) {
        slotsWanted = r;
    }

    /** The hosts that want or hold shared slots (shared slots only; empty otherwise). */
    public List<SlotNeed> slotNeeds() {
        List<SlotNeed> needs = new ArrayList<>();
        lock.lock();
        try {
            if (!sharedSlots || closed) {
                return needs;
            }
            for (Host h : active.values()) {
                int wanted = Math.min(h.limit(), h.inFlight + h.queue.size());
                if (wanted > 0 || h.held > 0) {
                    needs.add(new SlotNeed(h.key, perHost, wanted, h.held, h.inFlight));
                }
            }
        } finally {
            lock.unlock();
        }
        return needs;
    }

    /**
     * How many shared slots a host may use from now on. Fewer than it has in flight is allowed (slots lost,
     * or a fair share given back): it then sends nothing until enough requests have ended. Returns the
     * host's requests in flight at that moment (from then on they can only fall), or -1 when the host has no
     * work any more (nothing in flight: its slots are all spare).
     */
    public int setSlots(String hostKey, int count) {
        List<Runnable> launches = new ArrayList<>();
        int inFlightNow;
        lock.lock();
        try {
            Host h = active.get(hostKey);
            if (h == null || closed) {
                return -1;
            }
            h.held = count;
            inFlightNow = h.inFlight;
            changed(h, ticker.read(), launches);
        } finally {
            lock.unlock();
        }
        launch(launches);
        return inFlightNow;
    }

    /** Every shared slot is lost or given back: no host sends until it acquires slots again. */
    public void loseAllSlots() {
        lock.lock();
        try {
            for (Host h : List.copyOf(active.values())) {
                if (h.shared()) {
                    h.held = 0;
                    restIfIdle(h, ticker.read());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The right to send one request to one host. Closed exactly once, by the thread the task was
     * granted on; {@link #report} before closing tells the scheduler what the answer said.
     */
    public final class Permit implements AutoCloseable {
        private final Host host;
        private final long grantedAt;
        private final int inFlightAtGrant;
        private final int limitRound;
        /** The breaker's liveness check or half-open probe: its outcome decides for the host. */
        private final boolean asked;
        /** A liveness check: the task asks the host for something any live server answers, not for its URL. */
        private final boolean livenessCheck;
        /** The host's pace when granted: what a grant not used gives back (a Crawl-delay may have come since). */
        private final long hostPaceCharged;
        /**
         * The host's and the global next start right after this grant: a grant not used gives its interval back only
         * while they are still there. Once a later grant has moved them on, giving it back would let the next request
         * start less than an interval after that one.
         */
        private final long hostChargedTo;
        private final long globalChargedTo;
        // Written and read only by the task's thread, then handed over under the lock in close().
        private Signal signal = Signal.NONE;
        private Duration retryAfter;
        private long answeredAt;
        private boolean sent = true;
        private boolean closed;
        /** Set under the lock when closed; read afterwards by the same thread. */
        private boolean hostHeldBack;

        private Permit(Host host, long grantedAt, int inFlightAtGrant, HostBreaker.Admit admit) {
            this.host = host;
            this.grantedAt = grantedAt;
            this.inFlightAtGrant = inFlightAtGrant;
            this.limitRound = host.adaptive != null ? host.adaptive.round() : 0;
            this.asked = admit == HostBreaker.Admit.CHECK || admit == HostBreaker.Admit.PROBE;
            this.livenessCheck = admit == HostBreaker.Admit.CHECK;
            this.hostPaceCharged = host.spacing();
            this.hostChargedTo = host.nextStart;
            this.globalChargedTo = globalNextStart;
        }

        /** What the answer said about the host; {@code retryAfter} is its Retry-After, or null. */
        public void report(Signal signal, Duration retryAfter) {
            this.signal = signal;
            this.retryAfter = retryAfter;
            this.answeredAt = ticker.read();
        }

        /**
         * After {@link #close()}: whether the URL's host is held back as a whole now (it pushes back on most of its
         * requests): a URL it pushed back on then waits for its host, not on its own.
         */
        public boolean hostHeldBack() {
            return hostHeldBack;
        }

        /**
         * Whether this grant is a liveness check: the host's last requests timed out in a row, and before its URLs
         * go on, the task asks the host for something any live server answers at once ({@code /robots.txt}),
         * reports what came back, and queues its URL again at the head of the host's queue.
         */
        public boolean livenessCheck() {
            return livenessCheck;
        }

        /**
         * No request was sent after all (robots.txt disallows the URL): the pace it took is given back, unless a later
         * grant came after it.
         */
        public void notSent() {
            this.sent = false;
        }

        /** Gives the slots back and applies the report. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            release(this);
        }
    }

    private void release(Permit p) {
        List<Runnable> launches = new ArrayList<>();
        lock.lock();
        try {
            Host h = p.host;
            inFlight--;
            h.inFlight--;
            if (!p.sent) {
                if (h.nextStart == p.hostChargedTo) {
                    h.nextStart -= p.hostPaceCharged;
                }
                if (globalNextStart == p.globalChargedTo) {
                    globalNextStart -= globalPaceNanos;
                }
            }
            long now = ticker.read();
            learn(h, p, now, launches);
            changed(h, now, launches);
        } finally {
            lock.unlock();
        }
        launch(launches);
    }

    /**
     * Applies what an answer said to its host's back-off, breaker and limit. Only what concerns the host as a
     * whole counts there: a pushback while the host answers most requests, or a timeout while it answers
     * others, is about one URL, which waits on its own.
     */
    private void learn(Host h, Permit p, long now, List<Runnable> launches) {
        boolean overloaded = false; // what the adaptive limit backs off from
        switch (p.signal) {
            case ANSWERED -> {
                h.lastAnswerAt = now;
                h.pushback.record(false);
                h.backoff.answered();
                h.regain();
                breakerAnswered(h, launches);
            }
            case THROTTLED -> {
                h.lastAnswerAt = now;
                breakerAnswered(h, launches); // it did answer
                h.pushback.record(true);
                if (h.pushback.mostlyPushingBack()) {
                    long was = Math.max(h.backoff.blockedUntil() - now, 0) + now;
                    boolean newEvent = h.backoff.throttled(p.grantedAt, p.retryAfter, now);
                    long added = h.backoff.blockedUntil() - was;
                    if (added > 0 || newEvent) {
                        long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(0, added));
                        boolean asked = p.retryAfter != null;
                        launches.add(note(() -> events.heldBack(h.key, ms, newEvent, asked)));
                    }
                    if (newEvent) {
                        h.shrink();
                        overloaded = true;
                        heldBack(h, p, now, launches);
                    }
                }
                p.hostHeldBack = h.backoff.blockedUntil() - now > 0;
            }
            case REFUSED, TIMED_OUT -> {
                // A timeout while the host answered other requests is this URL's slowness, not the host's load.
                overloaded = p.signal == Signal.REFUSED || h.lastAnswerAt - p.grantedAt < 0;
                boolean wasSuspect = h.breaker.suspect();
                boolean opened = p.signal == Signal.REFUSED ? h.breaker.refused(now, p.asked) : h.breaker.timedOut(now, p.asked);
                if (opened) {
                    launches.add(note(() -> events.breakerOpened(h.key)));
                    String why = p.signal == Signal.REFUSED ? "connections refused or unreachable"
                            : "timeouts, and no answer to a liveness check either";
                    launches.add(note(() -> log.warn("host {} is down ({} requests in a row failed: {}): its URLs fail "
                            + "with host_down for {} s, then one probe tries again", h.key, breakerThreshold, why,
                            TimeUnit.NANOSECONDS.toSeconds(breakerCooldownNanos))));
                } else if (!wasSuspect && h.breaker.suspect()) {
                    launches.add(note(() -> log.debug("host {}: {} requests in a row timed out: its URLs wait while a "
                            + "liveness check asks whether it answers at all", h.key, breakerThreshold)));
                }
            }
            case NONE -> {
                if (p.asked) {
                    h.breaker.askAbandoned();
                }
            }
        }
        if (h.adaptive != null && (p.signal == Signal.ANSWERED || overloaded)) {
            if (h.adaptive.onSample(p.limitRound, p.answeredAt - p.grantedAt, p.inFlightAtGrant, overloaded)) {
                int limit = h.adaptive.limit(); // read here, under the lock
                launches.add(note(() -> events.limitChanged(h.key, limit)));
            }
            int before = h.loggedLimit;
            int after = h.adaptive.limit();
            if (after != before && now - h.limitLoggedAt >= LIMIT_LOG_INTERVAL) {
                h.loggedLimit = after;
                h.limitLoggedAt = now;
                launches.add(note(() -> log.info("host {}: concurrency limit {} -> {}", h.key, before, after)));
            }
        }
    }

    /** The host answered (whatever the status): a breaker open until now closes, and the run hears of it. */
    private void breakerAnswered(Host h, List<Runnable> launches) {
        if (h.breaker.answered()) {
            launches.add(note(() -> events.breakerClosed(h.key)));
            launches.add(note(() -> log.info("host {} answers again: its URLs are sent again", h.key)));
        }
    }

    /** Logs (at most every few seconds per host) that a host is held back as a whole, and why. */
    private void heldBack(Host h, Permit p, long now, List<Runnable> launches) {
        if (now - h.heldLoggedAt < HELD_LOG_INTERVAL) {
            return;
        }
        h.heldLoggedAt = now;
        int pushbacks = h.pushback.pushbacks();
        int answers = h.pushback.answers();
        long ms = TimeUnit.NANOSECONDS.toMillis(h.backoff.blockedUntil() - now);
        String how = p.retryAfter != null ? "as its Retry-After asks" : "back-off, no Retry-After";
        launches.add(note(() -> log.info("host {}: {} of its last {} answers were 429/503: holding the whole host back "
                + "for {} ms ({}) and halving its cap", h.key, pushbacks, answers, ms, how)));
    }

    /** After something changed at a host: look at it, grant what may start now, and let it rest if idle. */
    private void changed(Host h, long now, List<Runnable> launches) {
        consider(h, now, launches);
        dispatch(now, launches);
        if (sharedSlots && h.held < Math.min(h.limit(), h.inFlight + h.queue.size())) {
            launches.add(note(slotsWanted));
        }
        restIfIdle(h, now);
    }

    /**
     * Looks at one host after something changed: refuses its queue if its breaker is open, puts it in the
     * ready ring if it can send now, or sets a timer for when its pace or back-off ends.
     */
    private void consider(Host h, long now, List<Runnable> launches) {
        if (h.inReady || h.queue.isEmpty() || closed) {
            return;
        }
        HostBreaker.Admit admit = h.breaker.admit(now);
        if (admit == HostBreaker.Admit.REFUSE) {
            String detail = "host " + h.key + " is down: " + breakerThreshold + " requests in a row could not reach it";
            for (Task t; (t = h.queue.pollFirst()) != null; ) {
                Task refused = t;
                launches.add(() -> refused.refused(ErrorKind.HOST_DOWN, detail));
            }
            return;
        }
        if (admit == HostBreaker.Admit.WAIT || h.inFlight >= h.sendLimit()) {
            if (h.inFlight >= perHost) {
                noticePerHostBinds(launches);
            }
            return; // the probe's answer, or a release, looks again
        }
        long at = h.earliestStart();
        if (at - now > 0) {
            wakeAt(h, at, now);
            return;
        }
        h.inReady = true;
        ready.addLast(h);
    }

    /**
     * Once per run, when a URL waits for its host's cap while global slots are free and the run has seen too few
     * hosts to use them all: a run of {@code -c 50} on one host with {@code --per-host 8} has 8 in flight, and the
     * user should know why and what raises it.
     */
    private void noticePerHostBinds(List<Runnable> launches) {
        long reachable = (long) hostsSeen.size() * perHost;
        if (perHostNoticed || adaptive || inFlight >= concurrency || reachable >= concurrency) {
            return; // (under -c auto the cap is a ceiling the user may not have typed)
        }
        perHostNoticed = true;
        int hosts = hostsSeen.size();
        launches.add(note(() -> log.info("-c {} cannot be used in full: the URLs so far are on {} host{}, and --per-host {} lets "
                + "at most {} requests go to one host at once, so at most {} are in flight; raise --per-host (up to -c) if the "
                + "server can take more", concurrency, hosts, hosts == 1 ? "" : "s", perHost, perHost, reachable)));
    }

    /** Grants slots to ready hosts in turn while the global cap and rate allow. */
    private void dispatch(long now, List<Runnable> launches) {
        while (inFlight < concurrency && !ready.isEmpty()) {
            if (globalPaceNanos > 0 && globalNextStart - now > 0) {
                wakeGlobal(globalNextStart, now);
                return;
            }
            Host h = ready.pollFirst();
            h.inReady = false;
            if (h.queue.isEmpty() || h.inFlight >= h.sendLimit() || h.earliestStart() - now > 0) {
                consider(h, now, launches); // changed since it was put in the ring
                continue;
            }
            HostBreaker.Admit admit = h.breaker.admit(now);
            if (admit == HostBreaker.Admit.WAIT || admit == HostBreaker.Admit.REFUSE) {
                consider(h, now, launches);
                continue;
            }
            if (admit != HostBreaker.Admit.GO) {
                h.breaker.asked();
            }
            Task task = h.queue.pollFirst();
            inFlight++;
            h.inFlight++;
            if (globalPaceNanos > 0) {
                globalNextStart = (globalNextStart - now > 0 ? globalNextStart : now) + globalPaceNanos;
            }
            if (h.paceNanos > 0) {
                h.nextStart = (h.nextStart - now > 0 ? h.nextStart : now) + h.spacing();
            }
            Permit permit = new Permit(h, now, h.inFlight, admit);
            launches.add(() -> task.granted(permit));
            consider(h, now, launches); // back at the end of the ring: hosts take turns
        }
    }

    private void wakeAt(Host h, long at, long now) {
        if (h.wakeAt != 0 && h.wakeAt - at <= 0) {
            return; // an earlier wake will look again
        }
        if (h.wake != null) {
            h.wake.cancel(); // a later one, superseded
        }
        h.wakeAt = at;
        h.wake = timer.schedule(() -> wake(h, at), at - now);
    }

    private void wake(Host h, long at) {
        List<Runnable> launches = new ArrayList<>();
        lock.lock();
        try {
            if (h.wakeAt != at) {
                return; // replaced by an earlier wake, which looked already
            }
            h.wakeAt = 0;
            h.wake = null;
            changed(h, ticker.read(), launches);
        } finally {
            lock.unlock();
        }
        launch(launches);
    }

    private void wakeGlobal(long at, long now) {
        if (globalWakePending) {
            return;
        }
        globalWakePending = true;
        timer.schedule(() -> {
            List<Runnable> launches = new ArrayList<>();
            lock.lock();
            try {
                globalWakePending = false;
                dispatch(ticker.read(), launches);
            } finally {
                lock.unlock();
            }
            launch(launches);
        }, at - now);
    }

    /** The host's state, made on first use (or taken back from the idle hosts). */
    private Host host(String key) {
        Host h = active.get(key);
        if (h == null) {
            h = idle.remove(key);
            if (h == null) {
                h = newHost(key);
            }
            active.put(key, h);
        }
        return h;
    }

    private Host newHost(String key) {
        if ((long) hostsSeen.size() * perHost < concurrency) {
            hostsSeen.add(key);
        }
        AdaptiveLimit limit = adaptive ? new AdaptiveLimit(INITIAL_ADAPTIVE_LIMIT, perHost) : null;
        long now = ticker.read();
        HostBackoff backoff = new HostBackoff(retryPolicy, random, now);
        Host h = new Host(key, perHost, limit, backoff, new HostBreaker(breakerThreshold, breakerCooldownNanos), hostPaceNanos);
        if (sharedSlots) {
            h.held = 0;
        }
        h.nextStart = now; // the ticker's origin is arbitrary: times start from now, not from 0
        h.lastAnswerAt = now;
        h.loggedLimit = h.limit();
        h.limitLoggedAt = now - LIMIT_LOG_INTERVAL;
        h.heldLoggedAt = now - HELD_LOG_INTERVAL;
        return h;
    }

    /** A host with nothing to do leaves the active set; what it learnt is kept a while, or forgotten when plain. */
    private void restIfIdle(Host h, long now) {
        if (!h.idle() || closed || active.get(h.key) != h) {
            return;
        }
        active.remove(h.key);
        if (h.adaptive != null || !h.breaker.atRest() || !h.backoff.atRest(now) || h.nextStart - now > 0
                || h.paceNanos != hostPaceNanos || !h.capWhole()) {
            idle.put(h.key, h);
        }
    }

    /** Something to do once the lock is released, on the releasing thread itself: a log line, a host event. */
    private record Note(Runnable action) implements Runnable {
        @Override
        public void run() {
            action.run();
        }
    }

    private static Runnable note(Runnable action) {
        return new Note(action);
    }

    /**
     * Runs what was decided under the lock, after it, in order: notes here (log lines, host events), grants and refusals
     * through {@link #fetchThreads} (each on a fresh virtual thread in a run).
     */
    private void launch(List<Runnable> launches) {
        assert !lock.isHeldByCurrentThread() : "launch() under the scheduler's lock";
        for (Runnable r : launches) {
            try { // one failing (a log appender, a thread that cannot start) must not cost the others their grants
                if (r instanceof Note) {
                    r.run();
                } else {
                    fetchThreads.execute(r);
                }
            } catch (RuntimeException | Error e) {
                log.error("the scheduler could not start a grant or write a note", e);
            }
        }
    }
}
