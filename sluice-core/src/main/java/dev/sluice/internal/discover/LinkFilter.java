package dev.sluice.internal.discover;

import dev.sluice.Scope;
import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which links {@code --follow-links} keeps: {@code --scope} against the page the link was found on, then
 * {@code --include} (at least one must match, when any is given) and {@code --exclude} (none may match), each
 * a glob matched against the whole URL in the normal form ({@code *} any run of characters, {@code ?} one
 * character, everything else itself) or {@code re:REGEX} (a Java regex found anywhere in it). Thread-safe
 * (immutable; a {@link Pattern} makes a new matcher per call).
 */
final class LinkFilter {
    private final Scope scope;
    private final List<Pattern> include;
    private final List<Pattern> exclude;

    LinkFilter(Scope scope, List<String> include, List<String> exclude) {
        this.scope = scope;
        this.include = patterns("--include", include);
        this.exclude = patterns("--exclude", exclude);
    }

    private static List<Pattern> patterns(String option, List<String> specs) {
        List<Pattern> patterns = new ArrayList<>(specs.size());
        for (String spec : specs) {
            if (spec == null || spec.isEmpty()) {
                throw new IllegalArgumentException(option + " '': expected a glob or re:REGEX");
            }
            try {
                patterns.add(spec.startsWith("re:") ? Pattern.compile(spec.substring(3)) : glob(spec));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(option + " '" + spec + "': invalid regular expression: "
                        + e.getDescription() + " at index " + e.getIndex(), e);
            }
        }
        return List.copyOf(patterns);
    }

    /** A glob as a regex matching the whole text: {@code *} any run, {@code ?} one character, the rest literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder("^");
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.append('$').toString(), Pattern.DOTALL);
    }

    /** The scope's view of the page a link was found on, worked out once per page. */
    Site site(URI page) {
        return new Site(page);
    }

    /** Whether {@code url} (normal form, http(s)) found on {@code site} is kept. */
    boolean keeps(Site site, String url) {
        if (scope != Scope.ALL && !site.inScope(url)) {
            return false;
        }
        if (!include.isEmpty()) {
            boolean any = false;
            for (Pattern p : include) {
                if (p.matcher(url).find()) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        for (Pattern p : exclude) {
            if (p.matcher(url).find()) {
                return false;
            }
        }
        return true;
    }

    /** A page's scheme, host, port and (for same-domain) registrable domain. Only the discovering thread. */
    final class Site {
        private final String scheme;
        private final String host;
        private final int port;
        private String domain;

        private Site(URI page) {
            this.scheme = page.getScheme().toLowerCase(Locale.ROOT);
            this.host = page.getHost() == null ? "" : page.getHost().toLowerCase(Locale.ROOT);
            this.port = port(scheme, page.getPort());
        }

        boolean inScope(String url) {
            // the normal form: scheme://[userinfo@]host[:port]/…, lower-case scheme and host
            int colon = url.indexOf(':');
            String linkScheme = url.substring(0, colon);
            int authStart = colon + 3;
            int authEnd = authStart;
            while (authEnd < url.length() && url.charAt(authEnd) != '/' && url.charAt(authEnd) != '?') {
                authEnd++;
            }
            int at = url.lastIndexOf('@', authEnd - 1);
            int hostStart = at >= authStart ? at + 1 : authStart;
            int portColon = url.lastIndexOf(':', authEnd - 1);
            boolean hasPort = portColon > hostStart && url.indexOf(']', portColon) < 0;
            String linkHost = url.substring(hostStart, hasPort ? portColon : authEnd);
            int linkPort = hasPort ? Integer.parseInt(url.substring(portColon + 1, authEnd)) : port(linkScheme, -1);
            return switch (scope) {
                case SAME_HOST -> linkHost.equals(host) && linkPort == port;
                case SAME_ORIGIN -> linkHost.equals(host) && linkPort == port && linkScheme.equals(scheme);
                case SAME_DOMAIN -> linkHost.equals(host) || registrableDomain(linkHost).equals(domain());
                case ALL -> true;
            };
        }

        private String domain() {
            if (domain == null) {
                domain = registrableDomain(host);
            }
            return domain;
        }
    }

    private static int port(String scheme, int port) {
        return port != -1 ? port : scheme.equals("https") ? 443 : 80;
    }

    /** The registrable domain of {@code host}; the host itself for an IP address or a host under no public suffix. */
    static String registrableDomain(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (InetAddresses.isInetAddress(h) || !InternetDomainName.isValid(h)) {
            return host;
        }
        InternetDomainName name = InternetDomainName.from(h);
        return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : host;
    }
}
