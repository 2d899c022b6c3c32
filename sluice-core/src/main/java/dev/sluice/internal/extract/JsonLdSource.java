package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code jsonld:EXPR}: jq on each JSON-LD block of the page ({@link Body#jsonLd}: every
 * {@code <script type="application/ld+json">}, an array's elements and a {@code @graph}'s members each a block of
 * its own), in page order; the first value any block gives, or all of them with {@code NAME[]}. The same for every
 * row. Blocks differ in shape (an Organization, a BreadcrumbList, a Product): a jq error on one block means only that
 * this block has no value, so {@code .offers.price} passes over blocks without offers.
 *
 * @param keepJson whether values stay JSON text (a {@code json} column without steps)
 */
record JsonLdSource(JqProgram program, boolean keepJson) implements Source {

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) {
        List<Object> values = new ArrayList<>();
        for (JsonNode block : body.jsonLd()) {
            try {
                Jq.emit(program, block, keepJson, values);
            } catch (JsonQueryException e) {
                continue; // this block has no such value
            }
            if (!all && !values.isEmpty()) {
                return values.subList(0, 1);
            }
        }
        return values;
    }

    @Override
    public Reads reads() {
        return Reads.HTML;
    }

    @Override
    public boolean json() {
        return true;
    }
}
