package dev.sluice.origin;

import java.util.SplittableRandom;

/** Renders a page of a {@link Site} as HTML. Stateless. */
final class SiteHtml {
    private static final String[] WORDS = (
            "sluice gate water channel flow river weir lock basin canal meadow stone mill wheel current "
            + "level bank reed heron willow bridge harbour tide dam spillway culvert ditch paddle keeper "
            + "morning evening season harvest field village road market ledger record archive letter "
            + "the a of and to in on with from by over under near after before while quietly slowly").split(" ");
    private static final int LARGE_ONE_IN = 10;

    private SiteHtml() {}

    static String render(Site site, int page, String authority, SplittableRandom r) {
        StringBuilder html = new StringBuilder(2048);
        String title = page == 0 ? "Home" : "Page " + page;
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(title).append(" · site ").append(site.size()).append('/').append(site.seed())
                .append("</title>\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n<body>\n")
                .append("<a id=\"top\"></a>\n<h1>").append(title).append("</h1>\n<nav>\n<ul>\n");
        int k = 0;
        for (Site.Link link : site.links(page)) {
            String cls = k % 3 == 0 ? " class=\"nav\"" : "";
            html.append("<li><a").append(cls).append(" href=\"")
                    .append(escape(site.href(page, link, authority))).append("\">")
                    .append(label(link)).append("</a></li>\n");
            k++;
        }
        html.append("</ul>\n</nav>\n<article>\n");
        int paragraphs = r.nextInt(LARGE_ONE_IN) == 0 ? r.nextInt(12, 22) : r.nextInt(1, 4);
        for (int p = 1; p <= paragraphs; p++) {
            html.append("<h2 id=\"sec-").append(p).append("\">Section ").append(p).append("</h2>\n<p>");
            int words = r.nextInt(40, 80);
            for (int w = 0; w < words; w++) {
                html.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
            }
            html.append(".</p>\n");
        }
        html.append("</article>\n<footer><p>Generated page ").append(page).append(" of ").append(site.size())
                .append(".</p></footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static String label(Site.Link link) {
        return switch (link.form()) {
            case FRAGMENT_ONLY -> "Top";
            case OFFSITE -> "Elsewhere";
            case OTHER_PORT -> "Mirror";
            case MAILTO -> "Write to us";
            case JAVASCRIPT -> "Menu";
            default -> link.target() == 0 ? "Home" : "Page " + link.target();
        };
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
