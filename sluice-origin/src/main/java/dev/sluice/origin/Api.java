package dev.sluice.origin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The paginated API under {@code /api/KIND}: one data set of {@code pages × per} items, served a page at a
 * time in the way KIND names. Deterministic: the same URL always gets the same answer. Immutable.
 *
 * <p>Item {@code n} (0-based over the whole set) is {@code {"chain":C,"page":P,"pos":K,"n":N}} with
 * {@code P = n / per + 1} and {@code K = n % per}: every kind serves the same items, page P holding items
 * {@code (P-1)·per … P·per-1}, so a test can check that every item arrived once and in order.
 *
 * <p>The kinds: {@code header-link} ({@code ?page=}, a {@code Link} header with {@code rel="next"} besides
 * {@code prev}, {@code first} and {@code last}; body {@code {"items":[…]}}), {@code json-link}
 * ({@code ?page=}, {@code {"items":[…],"next":URL|null}}), {@code cursor} ({@code ?cursor=}, none for the
 * first page; {@code {"items":[…],"next_cursor":TOKEN|null}}, tokens opaque), {@code offset}
 * ({@code ?offset=&limit=}, {@code {"items":[…],"total":T}}) and {@code page} ({@code ?page=},
 * {@code {"items":[…],"total_pages":P}}). A page past the end has no items.
 *
 * @param kind     how pages are addressed
 * @param page     the page asked for, 1-based (offset: the page of the first item asked for)
 * @param offset   first item asked for (offset kind)
 * @param limit    most items asked for (offset kind)
 * @param query    the request's query, for next links that keep its other parameters
 */
record Api(Kind kind, int pages, int per, String chain, int page, int offset, int limit, int first,
        LinkForm link, int repeatAt, int repeatTo, boolean endless, Query query) implements Route {
    static final String PREFIX = "/api/";
    static final int MAX_PAGES = 1_000_000;
    static final int MAX_PER = 1000;
    /** With {@code endless}, how many empty pages past the end still link on. */
    static final int ENDLESS_PAGES = 1000;
    private static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    enum Kind {
        HEADER_LINK, JSON_LINK, CURSOR, OFFSET, PAGE;

        String path() {
            return PREFIX + name().toLowerCase().replace('_', '-');
        }
    }

    /** How next, prev, first and last links are written (header-link and json-link). */
    enum LinkForm { PATH, RELATIVE, ABSOLUTE }

    /** Reads an {@code /api/} request; throws {@link IllegalArgumentException} naming what is wrong. */
    static Api of(String path, Query q) {
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.path().equals(path)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("no such API: " + path
                    + " (/api/header-link, /api/json-link, /api/cursor, /api/offset, /api/page)");
        }
        int pages = number(q, "pages", 50, 1, MAX_PAGES);
        int per = number(q, "per", 10, 1, MAX_PER);
        String chain = q.get("chain") == null ? "0" : q.get("chain");
        if (!CHAIN.matcher(chain).matches()) {
            throw new IllegalArgumentException("chain must be 1 to 64 of A-Z a-z 0-9 . _ -: " + chain);
        }
        int first = number(q, "first", 1, 0, 1);
        int page = switch (kind) {
            case CURSOR -> q.get("cursor") == null ? 1 : Cursor.page(q.get("cursor"), chain);
            case PAGE -> number(q, "page", first, first, Integer.MAX_VALUE - 1) - first + 1;
            case OFFSET -> 1;
            default -> number(q, "page", 1, 1, Integer.MAX_VALUE - 1);
        };
        int offset = number(q, "offset", 0, 0, Integer.MAX_VALUE - MAX_PER);
        int limit = number(q, "limit", per, 1, MAX_PER);
        int repeatAt = number(q, "repeatAt", 0, 0, pages);
        int repeatTo = number(q, "repeatTo", Math.max(1, repeatAt), 1, Math.max(1, repeatAt));
        String form = q.get("link") == null ? "path" : q.get("link");
        LinkForm link = switch (form) {
            case "path" -> LinkForm.PATH;
            case "relative" -> LinkForm.RELATIVE;
            case "absolute" -> LinkForm.ABSOLUTE;
            default -> throw new IllegalArgumentException("link must be path, relative or absolute: " + form);
        };
        return new Api(kind, pages, per, chain, page, offset, limit, first, link, repeatAt, repeatTo,
                q.has("endless"), q);
    }

    @Override
    public Content content(String path, String authority, long number) {
        int total = pages * per;
        int from = kind == Kind.OFFSET ? offset : (int) Math.min(total, (page - 1L) * per);
        int to = kind == Kind.OFFSET ? (int) Math.min(total, (long) offset + limit) : (int) Math.min(total, (long) page * per);
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int n = from; n < to; n++) {
            body.append(n == from ? "" : ",").append(item(n));
        }
        body.append(']');
        Map<String, String> headers = Map.of();
        Integer next = next();
        switch (kind) {
            case HEADER_LINK -> headers = Map.of("Link", linkHeader(authority, next));
            case JSON_LINK -> body.append(",\"next\":").append(next == null ? "null" : Bodies.quote(url(authority, next)));
            case CURSOR -> body.append(",\"next_cursor\":")
                    .append(next == null ? "null" : Bodies.quote(Cursor.of(chain, next)));
            case OFFSET -> body.append(",\"total\":").append(total);
            case PAGE -> body.append(",\"total_pages\":").append(pages);
        }
        byte[] bytes = body.append("}").toString().getBytes(StandardCharsets.UTF_8);
        return new Content(200, headers, JSON, bytes);
    }

    /** Item n of the set, as JSON. */
    String item(int n) {
        return "{\"chain\":" + Bodies.quote(chain) + ",\"page\":" + (n / per + 1) + ",\"pos\":" + n % per
                + ",\"n\":" + n + "}";
    }

    /** The page a next link or cursor leads to, or null at the end. */
    private Integer next() {
        if (page == repeatAt) {
            return repeatTo;
        }
        if (page < pages || endless && page < pages + ENDLESS_PAGES) {
            return page + 1;
        }
        return null;
    }

    private String linkHeader(String authority, Integer next) {
        List<String> links = new ArrayList<>();
        if (page > 1) {
            links.add("<" + url(authority, page - 1) + ">; rel=\"prev\"");
        }
        if (next != null) {
            links.add("<" + url(authority, next) + ">; rel=\"next\"");
        }
        links.add("<" + url(authority, 1) + ">; rel=\"first\"");
        links.add("<" + url(authority, pages) + ">; rel=\"last\"");
        return String.join(", ", links);
    }

    /** The URL of page p of this chain, its other parameters kept, written as {@link #link} says. */
    String url(String authority, int p) {
        String pathAndQuery = kind.path() + "?" + query.set("page", Integer.toString(p));
        return switch (link) {
            case PATH -> pathAndQuery;
            case RELATIVE -> pathAndQuery.substring(PREFIX.length());
            case ABSOLUTE -> "http://" + authority + pathAndQuery;
        };
    }

    private static int number(Query q, String name, int absent, int min, int max) {
        String value = q.get(name);
        if (value == null) {
            return absent;
        }
        int n = NUMBER.matcher(value).matches() ? Integer.parseInt(value) : -1;
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " must be an integer " + min + ".." + max + ": " + value);
        }
        return n;
    }

    /** Opaque cursor tokens: base64url of chain, page and a check, so that a made-up token is refused. */
    static final class Cursor {
        private Cursor() {}

        static String of(String chain, int page) {
            String plain = chain + "/" + page + "/" + Integer.toHexString(check(chain, page));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static int page(String token, String chain) {
            String plain;
            try {
                plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                plain = "";
            }
            String[] parts = plain.split("/");
            if (parts.length == 3 && parts[0].equals(chain) && NUMBER.matcher(parts[1]).matches()) {
                int page = Integer.parseInt(parts[1]);
                if (page >= 1 && parts[2].equals(Integer.toHexString(check(chain, page)))) {
                    return page;
                }
            }
            throw new IllegalArgumentException("cursor is not one this API handed out for chain " + chain + ": "
                    + URLEncoder.encode(token, StandardCharsets.UTF_8));
        }

        private static int check(String chain, int page) {
            return (chain.hashCode() * 31 + page) * 0x9E3779B1 >>> 12;
        }
    }
}
