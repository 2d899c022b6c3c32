package dev.sluice;

import java.util.ArrayList;
import java.util.List;

/**
 * The discovery options as the CLI passes them, strings exactly as the user typed them; {@link Discovery#compile}
 * checks them. Immutable (the lists are copied).
 *
 * @param paginate    {@code --paginate} specs, in order
 * @param follow      {@code --follow} jq expressions, in order
 * @param followLinks {@code --follow-links}: null off, {@code ""} the default selector {@code a[href]}, else a CSS selector
 * @param scope       {@code --scope} (null: {@link Scope#SAME_HOST})
 * @param include     {@code --include} globs or {@code re:} regexes
 * @param exclude     {@code --exclude} globs or {@code re:} regexes
 * @param maxDepth    {@code --max-depth}: -1 unlimited
 * @param maxPages    {@code --max-pages}: -1 unlimited
 */
public record DiscoveryOptions(List<String> paginate, List<String> follow, String followLinks, Scope scope,
                               List<String> include, List<String> exclude, int maxDepth, int maxPages) {
    /** No rule at all. */
    public static final DiscoveryOptions NONE = new DiscoveryOptions(List.of(), List.of(), null, Scope.SAME_HOST,
            List.of(), List.of(), -1, -1);

    public DiscoveryOptions {
        paginate = paginate == null ? List.of() : List.copyOf(paginate);
        follow = follow == null ? List.of() : List.copyOf(follow);
        scope = scope == null ? Scope.SAME_HOST : scope;
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        if (maxDepth < -1) {
            throw new IllegalArgumentException("--max-depth must be >= 0 (or -1: unlimited), not " + maxDepth);
        }
        if (maxPages < -1 || maxPages == 0) {
            throw new IllegalArgumentException("--max-pages must be >= 1 (or -1: unlimited), not " + maxPages);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link DiscoveryOptions}; the defaults are those of {@link #NONE}. Not thread-safe. */
    public static final class Builder {
        private final List<String> paginate = new ArrayList<>();
        private final List<String> follow = new ArrayList<>();
        private String followLinks;
        private Scope scope = Scope.SAME_HOST;
        private final List<String> include = new ArrayList<>();
        private final List<String> exclude = new ArrayList<>();
        private int maxDepth = -1;
        private int maxPages = -1;

        Builder() {
        }

        public Builder paginate(String... specs) {
            paginate.addAll(List.of(specs));
            return this;
        }

        public Builder follow(String... expressions) {
            follow.addAll(List.of(expressions));
            return this;
        }

        /** {@code ""}: the default selector {@code a[href]}; null: off. */
        public Builder followLinks(String css) {
            followLinks = css;
            return this;
        }

        public Builder scope(Scope scope) {
            this.scope = scope;
            return this;
        }

        public Builder include(String... patterns) {
            include.addAll(List.of(patterns));
            return this;
        }

        public Builder exclude(String... patterns) {
            exclude.addAll(List.of(patterns));
            return this;
        }

        public Builder maxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
            return this;
        }

        public Builder maxPages(int maxPages) {
            this.maxPages = maxPages;
            return this;
        }

        public DiscoveryOptions build() {
            return new DiscoveryOptions(paginate, follow, followLinks, scope, include, exclude, maxDepth, maxPages);
        }
    }
}
