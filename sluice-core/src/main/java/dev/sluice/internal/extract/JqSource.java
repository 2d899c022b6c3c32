package dev.sluice.internal.extract;

import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code jq:EXPR}: jq on the JSON body (parsed once per response, shared with {@code --jq} and every other jq field)
 * or, when the rows are JSON values ({@code --jq}, {@code --rows jq:}), on the row's value. Numbers and booleans keep
 * their JSON type; an object or an array is JSON text. A jq error is this row's failure, not the response's.
 *
 * @param keepJson whether values stay JSON text (a {@code json} column without steps)
 */
record JqSource(JqProgram program, boolean keepJson) implements Source {

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) throws Failure, UnreadableBody {
        List<Object> values = new ArrayList<>();
        try {
            Jq.emit(program, scope.json(body), keepJson, values);
        } catch (JsonQueryException e) {
            throw new Failure("jq failed: " + e.getMessage(), null);
        }
        return all || values.size() <= 1 ? values : values.subList(0, 1);
    }

    @Override
    public Reads reads() {
        return Reads.JSON;
    }

    @Override
    public boolean json() {
        return true;
    }
}
