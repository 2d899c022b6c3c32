package dev.sluice.internal.discover;

import dev.sluice.Lineage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Printable;
import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.List;

/**
 * A {@code --paginate} rule: from one page of a chain, the next page(s). Every kind stops on an
 * {@linkplain Page#empty() empty page} and where {@code --max-pages} would be passed; a next URL or cursor equal
 * to the current one stops the chain with one warning. Thread-safe (immutable).
 *
 * <p>Kinds: {@code header-link}, {@code json-link:JQ}, {@code cursor:JQ=PARAM},
 * {@code offset:PARAM,limit=N[,total=TOTAL]}, {@code page:PARAM[,start=N][,per=N][,total=TOTAL]}; {@code total=}
 * comes last, the rest of the spec is its jq expression or {@code header:NAME}.
 */
abstract sealed class Paginate {
    private static final Logger LOG = LoggerFactory.getLogger(Paginate.class);
    static final String KINDS = "header-link, json-link:JQ, cursor:JQ=PARAM, offset:PARAM,limit=N[,total=TOTAL], "
            + "page:PARAM[,start=N][,per=N][,total=TOTAL]";
    /** Most pages one response may issue at once from a total: beyond, the response fails (set --max-pages). */
    static final int MAX_FAN_OUT = 100_000;

    /** The spec as the user wrote it, for messages. */
    final String spec;

    private Paginate(String spec) {
        this.spec = spec;
    }

    /** Adds to {@code page} the next page(s) of its chain. */
    abstract void discover(Page page) throws Exception;

    static Paginate compile(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("--paginate: a spec is required (" + KINDS + ")");
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? null : spec.substring(colon + 1);
        switch (kind) {
            case "header-link" -> {
                if (rest != null) {
                    throw bad(spec, "header-link takes no argument");
                }
                return new HeaderLink(spec);
            }
            case "json-link" -> {
                return new JsonLink(spec, jq(spec, required(spec, rest, "a jq expression (json-link:JQ)")));
            }
            case "cursor" -> {
                String arg = required(spec, rest, "JQ=PARAM");
                int eq = arg.lastIndexOf('=');
                if (eq <= 0) {
                    throw bad(spec, "expected cursor:JQ=PARAM");
                }
                return new Cursor(spec, jq(spec, arg.substring(0, eq)), param(spec, arg.substring(eq + 1)));
            }
            case "offset", "page" -> {
                return numbered(spec, kind, required(spec, rest, usage(kind)));
            }
            default -> throw bad(spec, "unknown kind '" + kind + "' (" + KINDS + ")");
        }
    }

    private static Paginate numbered(String spec, String kind, String arg) {
        int comma = arg.indexOf(',');
        String param = param(spec, comma < 0 ? arg : arg.substring(0, comma));
        long limit = -1;
        long start = 1;
        long per = -1;
        Total total = null;
        String rest = comma < 0 ? "" : arg.substring(comma + 1);
        while (!rest.isEmpty()) {
            if (rest.startsWith("total=")) {
                total = total(spec, rest.substring("total=".length()));
                break;
            }
            int next = rest.indexOf(',');
            String option = next < 0 ? rest : rest.substring(0, next);
            rest = next < 0 ? "" : rest.substring(next + 1);
            int eq = option.indexOf('=');
            String name = eq < 0 ? option : option.substring(0, eq);
            boolean known = kind.equals("offset") ? name.equals("limit") : name.equals("start") || name.equals("per");
            if (!known || eq < 0) {
                throw bad(spec, "unknown option '" + option + "' (" + kind + ":" + usage(kind) + "; total= comes last)");
            }
            long value;
            try {
                value = Long.parseLong(option.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw bad(spec, name + " must be a whole number, not '" + option.substring(eq + 1) + "'");
            }
            if (name.equals("limit") || name.equals("per")) {
                if (value < 1) {
                    throw bad(spec, name + " must be >= 1, not " + value);
                }
                if (name.equals("limit")) {
                    limit = value;
                } else {
                    per = value;
                }
            } else {
                if (value < 0) {
                    throw bad(spec, "start must be >= 0, not " + value);
                }
                start = value;
            }
        }
        if (kind.equals("offset")) {
            if (limit < 0) {
                throw bad(spec, "limit=N is required (offset:" + usage(kind) + ")");
            }
            return new Numbered(spec, param, true, 0, limit, total, /* itemsPerPage= */ limit);
        }
        if (per > 0 && total == null) {
            throw bad(spec, "per=N says how many items a total counts per page: give total= too");
        }
        return new Numbered(spec, param, false, start, 1, total, /* itemsPerPage= */ per);
    }

    private static String usage(String kind) {
        return kind.equals("offset") ? "PARAM,limit=N[,total=TOTAL]" : "PARAM[,start=N][,per=N][,total=TOTAL]";
    }

    /** {@code total=}'s value: {@code header:NAME} (a response header), else a jq expression on the body. */
    private static Total total(String spec, String source) {
        if (source.startsWith("header:")) {
            String name = source.substring("header:".length()).trim();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw bad(spec, "'" + name + "' is not a header name (total=header:NAME, e.g. total=header:X-Total-Count)");
            }
            return new Total(null, name);
        }
        return new Total(jq(spec, source), null);
    }

    /** Where a total is read: a jq expression on the body, or a response header. */
    private record Total(JqProgram program, String header) {
        @Override
        public String toString() {
            return header != null ? "header:" + header : program.toString();
        }
    }

    private static String required(String spec, String arg, String what) {
        if (arg == null || arg.isBlank()) {
            throw bad(spec, "expected " + what);
        }
        return arg;
    }

    private static String param(String spec, String name) {
        String p = name.trim();
        if (p.isEmpty() || !p.chars().allMatch(c -> c > ' ' && c < 0x7F && "&=#?,".indexOf(c) < 0)) {
            throw bad(spec, "'" + name + "' is not a query parameter name");
        }
        return p;
    }

    private static JqProgram jq(String spec, String expression) {
        try {
            return JqProgram.compile(expression);
        } catch (IllegalArgumentException e) {
            throw bad(spec, e.getMessage());
        }
    }

    static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("--paginate '" + spec + "': " + why);
    }

    /** The first value the expression emits on the JSON body, or null (no value, or an empty body). */
    final JsonNode first(JqProgram program, Page page) throws Exception {
        JsonNode json = page.json();
        if (json == null) {
            return null;
        }
        List<JsonNode> values;
        try {
            values = program.apply(json);
        } catch (JsonQueryException e) {
            throw new Exception("--paginate '" + spec + "': jq '" + program + "' failed: " + e.getMessage(), e);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** Adds the next URL, unless it is the current one: then the chain stops, with a warning. */
    final void addNext(Page page, String next) {
        if (next.equals(page.requestUrl())) {
            LOG.warn("--paginate '{}': the next page of {} is the same URL: that chain stops here",
                    Printable.of(spec), Printable.of(next));
            return;
        }
        page.add(next, Lineage.PAGINATE, page.lineage().page() + 1);
    }

    final String resolve(Page page, String ref, String what) throws Exception {
        try {
            return Urls.resolve(page.response.finalUri(), ref);
        } catch (Urls.BadUrl e) {
            throw new Exception("--paginate '" + spec + "': " + what + " '" + Printable.of(ref)
                    + "' is not a URL Sluice can fetch: " + e.getMessage());
        }
    }

    /**
     * {@code header-link}: the target of the first {@code Link} whose rel holds {@code next}. When the first page of a
     * chain also links its {@code last} page, and the two differ only in one whole-number query parameter (a page
     * number or an offset), every page in between is issued at once, up to {@code --max-pages}, as a total does for
     * {@code page:} and {@code offset:}. Every page still adds its next link: those issued already are in the frontier
     * (which keeps each request once), and a last link that said too few leaves no page behind.
     */
    static final class HeaderLink extends Paginate {
        HeaderLink(String spec) {
            super(spec);
        }

        @Override
        void discover(Page page) throws Exception {
            List<String> links = page.response.linkHeaders();
            String target = LinkHeader.next(links);
            if (target == null || target.isBlank()) {
                return;
            }
            String next = resolve(page, target, "the Link header's next target");
            addNext(page, next);
            String last = LinkHeader.first(links, "last");
            if (last != null && !last.isBlank() && page.lineage().page() == 1 && !Lineage.PAGINATE.equals(page.lineage().rule())) {
                fanOut(page, next, resolve(page, last, "the Link header's last target"));
            }
        }

        /** The pages after {@code next} up to {@code last}, when a numbered parameter leads from one to the other. */
        private void fanOut(Page page, String next, String last) {
            String query = next.indexOf('?') < 0 ? "" : next.substring(next.indexOf('?') + 1).replaceFirst("#.*", "");
            for (String pair : query.split("&")) {
                String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                String param = Urls.queryParam(next, name);
                String atLast = Urls.queryParam(last, name);
                if (param == null || atLast == null || param.equals(atLast)
                        || !Urls.withQueryParam(last, name, param).equals(Urls.withQueryParam(next, name, param))) {
                    continue;
                }
                long from;
                long to;
                try {
                    from = Long.parseLong(param.trim());
                    to = Long.parseLong(atLast.trim());
                } catch (NumberFormatException notNumbered) {
                    return;
                }
                String here = Urls.queryParam(page.response.requestUrl(), name);
                long step;
                try {
                    // without the parameter, the first page is page 1 when the next is 2, else offset 0
                    step = here == null || here.isBlank() ? (from == 2 ? 1 : from) : from - Long.parseLong(here.trim());
                } catch (NumberFormatException notNumbered) {
                    return;
                }
                if (step <= 0 || to <= from || (to - from) % step != 0) {
                    return;
                }
                int pageNumber = page.lineage().page();
                long remaining = Math.min((to - from) / step, MAX_FAN_OUT);
                if (page.maxPages() >= 0) {
                    remaining = Math.min(remaining, page.maxPages() - pageNumber - 1);
                }
                for (int i = 1; i <= remaining; i++) {
                    page.add(Urls.withQueryParam(next, name, Long.toString(from + i * step)), Lineage.PAGINATE, pageNumber + 1 + i);
                }
                return;
            }
        }
    }

    /** {@code json-link:JQ}: the first value the expression emits is the next URL; null, false or "" stops. */
    static final class JsonLink extends Paginate {
        private final JqProgram program;

        JsonLink(String spec, JqProgram program) {
            super(spec);
            this.program = program;
        }

        @Override
        void discover(Page page) throws Exception {
            JsonNode v = first(program, page);
            if (v == null || v.isNull() || (v.isBoolean() && !v.booleanValue()) || (v.isTextual() && v.textValue().isBlank())) {
                return;
            }
            if (!v.isTextual()) {
                throw new Exception("--paginate '" + spec + "': jq '" + program + "' gave " + type(v) + ", not a URL string");
            }
            addNext(page, resolve(page, v.textValue(), "the next URL"));
        }
    }

    /** {@code cursor:JQ=PARAM}: a token (string or number) put in PARAM of the requested URL; null, false or "" stops. */
    static final class Cursor extends Paginate {
        private final JqProgram program;
        private final String param;

        Cursor(String spec, JqProgram program, String param) {
            super(spec);
            this.program = program;
            this.param = param;
        }

        @Override
        void discover(Page page) throws Exception {
            JsonNode v = first(program, page);
            if (v == null || v.isNull() || (v.isBoolean() && !v.booleanValue()) || (v.isTextual() && v.textValue().isEmpty())) {
                return;
            }
            String token;
            if (v.isTextual()) {
                token = v.textValue();
            } else if (v.isIntegralNumber()) {
                token = v.bigIntegerValue().toString();
            } else if (v.isNumber()) {
                token = v.decimalValue().stripTrailingZeros().toPlainString();
            } else {
                throw new Exception("--paginate '" + spec + "': jq '" + program + "' gave " + type(v)
                        + ", not a cursor (a string or a number)");
            }
            if (token.equals(Urls.queryParam(page.response.requestUrl(), param))) {
                LOG.warn("--paginate '{}': the next cursor '{}' is the current one of {}: that chain stops here",
                        Printable.of(spec), Printable.of(token), Printable.of(page.response.requestUrl()));
                return;
            }
            page.add(resolve(page, Urls.withQueryParam(page.response.requestUrl(), param, token), "the next URL"),
                    Lineage.PAGINATE, page.lineage().page() + 1);
        }
    }

    /**
     * {@code offset:PARAM,limit=N[,total=TOTAL]} (step N, the total counts items) and
     * {@code page:PARAM[,start=N][,per=N][,total=TOTAL]} (step 1, the total counts pages, or items when {@code per=}
     * says how many a page holds). Without a total, the next page is the current number + step. With one, the first
     * page of a chain (a request not itself found by a paginate rule) issues every remaining page at once, up to
     * {@code --max-pages}; the pages it issued issue nothing.
     */
    static final class Numbered extends Paginate {
        private final String param;
        /** The number when the parameter is absent: 0 for offset, start for page. */
        private final long absent;
        private final long step;
        private final Total total;
        /** Whether the parameter is an offset (the total counts items) or a page number. */
        private final boolean offsets;
        /** How many items a page holds when the total counts items (offset's limit, page's per=), else -1. */
        private final long itemsPerPage;

        Numbered(String spec, String param, boolean offsets, long absent, long step, Total total, long itemsPerPage) {
            super(spec);
            this.offsets = offsets;
            this.param = param;
            this.absent = absent;
            this.step = step;
            this.total = total;
            this.itemsPerPage = itemsPerPage;
        }

        @Override
        void discover(Page page) throws Exception {
            String written = Urls.queryParam(page.response.requestUrl(), param);
            long current;
            try {
                current = written == null || written.isEmpty() ? absent : Long.parseLong(written.trim());
            } catch (NumberFormatException e) {
                throw new Exception("--paginate '" + spec + "': parameter " + param + " is '" + Printable.of(written)
                        + "' in the requested URL, not a whole number");
            }
            int pageNumber = page.lineage().page();
            if (total == null) {
                page.add(next(page, current + step), Lineage.PAGINATE, pageNumber + 1);
                return;
            }
            if (pageNumber != 1 || Lineage.PAGINATE.equals(page.lineage().rule())) {
                return; // issued by the first page of its chain
            }
            long totalValue = total(page);
            long remaining = remaining(current, totalValue);
            if (page.maxPages() >= 0) {
                remaining = Math.min(remaining, page.maxPages() - pageNumber);
            }
            if (remaining > MAX_FAN_OUT) {
                throw new Exception("--paginate '" + spec + "': the total " + totalValue + " means " + remaining
                        + " more pages, more than the " + MAX_FAN_OUT + " one response may issue; set --max-pages");
            }
            for (int i = 1; i <= remaining; i++) {
                page.add(next(page, current + i * step), Lineage.PAGINATE, pageNumber + i);
            }
        }

        /** How many numbers past {@code current} hold items: offsets below the total, or pages up to the last. */
        private long remaining(long current, long totalValue) {
            long end; // the first number past the last page
            if (offsets) {
                end = totalValue;
            } else {
                long pages = itemsPerPage > 0 ? (totalValue + itemsPerPage - 1) / itemsPerPage : totalValue;
                end = absent + pages;
            }
            return end <= current + step ? 0 : (end - current - 1) / step;
        }

        private String next(Page page, long number) throws Exception {
            return resolve(page, Urls.withQueryParam(page.response.requestUrl(), param, Long.toString(number)), "the next URL");
        }

        private long total(Page page) throws Exception {
            String what = itemsPerPage > 0 ? "items" : "pages";
            if (total.header() != null) {
                String value = page.response.headers().first(total.header());
                try {
                    if (value != null) {
                        return Long.parseLong(value.trim());
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new Exception("--paginate '" + spec + "': the response's " + total.header() + " header is "
                        + (value == null ? "missing" : "'" + Printable.of(value) + "'") + ", not a whole number of " + what);
            }
            JsonNode v = first(total.program(), page);
            if (v != null && v.isTextual()) {
                try {
                    return new BigDecimal(v.textValue().trim()).longValueExact();
                } catch (NumberFormatException | ArithmeticException e) {
                    // reported below
                }
            } else if (v != null && v.isNumber()) {
                try {
                    return v.decimalValue().longValueExact();
                } catch (ArithmeticException e) {
                    // reported below
                }
            }
            throw new Exception("--paginate '" + spec + "': total '" + total + "' gave "
                    + (v == null ? "nothing" : Printable.of(v.toString()))
                    + ", not a whole number of " + what);
        }
    }

    static String type(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case NULL, MISSING -> "null";
            case STRING -> "a string";
            case BINARY -> "binary";
        };
    }
}
