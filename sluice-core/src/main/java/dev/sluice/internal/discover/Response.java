package dev.sluice.internal.discover;

import dev.sluice.Headers;
import dev.sluice.Lineage;
import dev.sluice.Request;

import java.net.URI;
import java.util.List;

/**
 * What the discovery rules see of one response. Immutable, but for {@code body}, which nobody may modify.
 *
 * @param request     the request that was answered: what a request it discovers names as its parent, and what a
 *                    next page repeats (method, headers, body)
 * @param requestUrl  the URL as requested (before redirects): cursor, offset and page rules set their parameter
 *                    in it, and a next URL equal to it is a loop
 * @param finalUri    the URI after redirects: the base of relative references, and the page links are scoped to
 * @param status      the HTTP status; only 2xx responses yield anything
 * @param contentType the Content-Type header, or null
 * @param linkHeaders the raw values of every {@code Link} response header, in order (empty when none)
 * @param body        the whole body (never null; may be empty)
 * @param items       how many items the body gave: records of {@code --jq}, or top-level rows of {@code --table};
 *                    -1 when there is neither (then "empty page" is judged from the body itself)
 * @param lineage     the responding request's own lineage
 * @param headers     every response header, for a total a paginate rule reads from one ({@code total=header:NAME})
 */
public record Response(Request request, String requestUrl, URI finalUri, int status, String contentType, List<String> linkHeaders,
                       byte[] body, int items, Lineage lineage, Headers headers) {
    public Response {
        linkHeaders = linkHeaders == null ? List.of() : linkHeaders;
        headers = headers == null ? Headers.NONE : headers;
        body = body == null ? new byte[0] : body;
        lineage = lineage == null ? Lineage.INPUT : lineage;
        request = request == null ? Request.get(requestUrl) : request;
    }
}
