package dev.sluice.internal.fetch;

import dev.sluice.Headers;
import org.eclipse.jetty.http.HttpFields;

import java.util.List;

/**
 * A response's headers as Jetty received them, read without copying. The fields are complete and no longer written
 * once the response is, so the CPU stage may read them on its own threads.
 */
record ResponseHeaders(HttpFields fields) implements Headers {

    @Override
    public String first(String name) {
        return fields.get(name);
    }

    @Override
    public List<String> all(String name) {
        return fields.getValuesList(name);
    }
}
