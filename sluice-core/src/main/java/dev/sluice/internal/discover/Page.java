package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.Lineage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Request;
import dev.sluice.internal.fetch.ContentTypes;
import dev.sluice.internal.process.JqProgram;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One response as the rules see it, with what is worked out at most once for all of them: the body parsed as
 * JSON (on first use), whether the page is empty, the requested URL in the normal form; and the requests found
 * so far, in order, without duplicates. Used only by the thread running {@link Discovery#discover}.
 */
final class Page {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Response response;
    private final int maxPages;
    private JsonNode json;
    private boolean parsed;
    private Boolean html;
    /** Why the body is not JSON, once found: every JSON rule fails with it. */
    private Exception notJson;
    private String requestUrl;
    private final Map<String, Discovered> found = new LinkedHashMap<>();

    Page(Response response, int maxPages) {
        this.response = response;
        this.maxPages = maxPages;
    }

    /** Whether a request found by a paginate rule with page number {@code page} is within {@code --max-pages}. */
    boolean pageAllowed(int page) {
        return maxPages < 0 || page <= maxPages;
    }

    int maxPages() {
        return maxPages;
    }

    /** The request's lineage. */
    Lineage lineage() {
        return response.lineage();
    }

    /**
     * Adds a request for {@code url} found by {@code rule} (page: its position in a pagination chain, else 1): a next
     * page asks as this response's request did (method, headers, body), any other is a GET. A duplicate is dropped.
     */
    void add(String url, String rule, int page) {
        add(Lineage.PAGINATE.equals(rule) ? response.request().withUrl(url) : Request.get(url), rule, page);
    }

    /** Adds {@code request}, found by {@code rule}; a duplicate is dropped. */
    void add(Request request, String rule, int page) {
        found.putIfAbsent(request.id(), new Discovered(request,
                new Lineage(response.request().id(), lineage().depth() + 1, rule, page)));
    }

    List<Discovered> found() {
        return List.copyOf(found.values());
    }

    /** The requested URL in the normal form (itself when it cannot be read as one). */
    String requestUrl() {
        if (requestUrl == null) {
            try {
                requestUrl = Urls.resolve(response.finalUri(), response.requestUrl());
            } catch (Urls.BadUrl e) {
                requestUrl = response.requestUrl();
            }
        }
        return requestUrl;
    }

    /** Whether the body is HTML ({@link ContentTypes#isHtml}), worked out once. */
    boolean html() {
        if (html == null) {
            html = ContentTypes.isHtml(response.contentType(), response.body());
        }
        return html;
    }

    /**
     * The body as JSON, parsed once; null when the body is empty (nothing but white space) or HTML: the JSON rules
     * pass over the pages of a site, so that one crawl may follow an API into a site. Throws when it is something
     * else than JSON.
     */
    JsonNode json() throws Exception {
        if (notJson != null) {
            throw notJson;
        }
        if (!parsed) {
            byte[] body = response.body();
            if (blank(body) || html()) {
                json = null;
            } else {
                try {
                    json = JSON.readTree(body);
                } catch (JsonProcessingException e) {
                    notJson = new Exception("body is not JSON (Content-Type " + response.contentType() + "): "
                            + JqProgram.describe(e), e);
                    throw notJson;
                }
                if (json != null && json.isMissingNode()) {
                    json = null;
                }
            }
            parsed = true;
        }
        return json;
    }

    /**
     * Whether this is an empty page, which ends every pagination chain. With {@code --jq} or {@code --table}: it gave
     * no item.
     * Without: the body is empty (white space only), or JSON {@code []}, {@code {}} or {@code null}, or a JSON
     * object that has array members, all of them empty. Any other body, JSON or not (HTML), is not empty.
     */
    boolean empty() {
        if (response.items() >= 0) {
            return response.items() == 0;
        }
        if (blank(response.body())) {
            return true;
        }
        if (html()) {
            return false;
        }
        JsonNode j;
        try {
            j = json();
        } catch (Exception notJson) {
            return false;
        }
        if (j == null || j.isNull()) {
            return true;
        }
        if (j.isArray()) {
            return j.isEmpty();
        }
        if (j.isObject()) {
            if (j.isEmpty()) {
                return true;
            }
            boolean arrays = false;
            for (Iterator<JsonNode> it = j.elements(); it.hasNext(); ) {
                JsonNode v = it.next();
                if (v.isArray()) {
                    if (!v.isEmpty()) {
                        return false;
                    }
                    arrays = true;
                }
            }
            return arrays;
        }
        return false;
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
