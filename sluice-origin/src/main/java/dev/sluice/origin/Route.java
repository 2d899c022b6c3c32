package dev.sluice.origin;

import java.util.Map;

/**
 * Where the normal answer to a request comes from, chosen by its path: the paginated API under
 * {@code /api/} ({@link Api}), the generated sites under {@code /site/} ({@link SiteRoute}), or, for every
 * other path, the small JSON item the origin has always served. Immutable.
 *
 * <p>A route is read from the request before its latency, so that a bad parameter is answered 400 at once;
 * its content is made after the latency, only when no misbehaviour ({@code fail}, {@code status},
 * {@code redirect}, …) answers first.
 */
sealed interface Route permits Route.Item, Api, SiteRoute {
    /**
     * The route of a request.
     *
     * @throws IllegalArgumentException naming the bad parameter of an {@code /api/} request
     */
    static Route of(String path, Query query) {
        if (path.startsWith(Api.PREFIX)) {
            return Api.of(path, query);
        }
        if (path.startsWith(SiteRoute.PREFIX)) {
            return SiteRoute.of(path);
        }
        return Item.ITEM;
    }

    /** Delay this route adds to the query's {@code latency}: a site's {@code MSms} path segment. */
    default long latencyMs() {
        return 0;
    }

    /**
     * The normal answer.
     *
     * @param authority host and port the client addressed, for absolute links
     * @param number    the request's number overall, from 1
     */
    Content content(String path, String authority, long number);

    /** A normal answer before the query's validators and {@code type} are applied. */
    record Content(int status, Map<String, String> headers, String type, byte[] body) {
        public Content {
            headers = Map.copyOf(headers);
        }

        static Content json(byte[] body) {
            return new Content(200, Map.of(), JSON, body);
        }

        static Content notFound(String message) {
            return new Content(404, Map.of(), JSON, Bodies.error(404, message));
        }
    }

    String JSON = "application/json";

    /** Any other path: a small JSON object describing an item named after the path's last segment. */
    enum Item implements Route {
        ITEM;

        @Override
        public Content content(String path, String authority, long number) {
            return Content.json(Bodies.item(path, number));
        }
    }
}
