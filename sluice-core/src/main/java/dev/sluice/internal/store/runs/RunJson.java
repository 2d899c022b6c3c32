package dev.sluice.internal.store.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.SluiceConfig;
import dev.sluice.spi.InputRequests;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON columns of {@code runs}: the configuration, and counts by name. Stateless and thread-safe. */
final class RunJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunJson() {
    }

    /**
     * Every setting of {@code config}, by its name in {@link SluiceConfig} (so a new setting is recorded without
     * being listed here): durations in milliseconds (name + {@code _ms}), enums in lower case, headers as
     * {@code Name: value} with credentials masked, the input's reading as {@link InputRequests#describe()}.
     */
    static String config(SluiceConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : SluiceConfig.class.getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(config);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String name = snake(c.getName());
            switch (value) {
                case Duration d -> out.put(name + "_ms", d.toMillis());
                case Enum<?> e -> out.put(name, e.name().toLowerCase(Locale.ROOT));
                case List<?> headers -> out.put(name, headers.stream().map(String::valueOf).toList()); // Header masks
                case InputRequests input -> out.put(name, input.describe());
                default -> out.put(name, value);
            }
        }
        return write(out);
    }

    /** {@code counts} as a JSON object, keys in order. */
    static String counts(Map<String, Long> counts) {
        return write(new TreeMap<>(counts));
    }

    /** What {@link #counts} wrote; empty for null. */
    static Map<String, Long> counts(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<TreeMap<String, Long>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("runs holds counts that are not a JSON object of numbers: " + json, e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code maxBodyBytes} → {@code max_body_bytes}. */
    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
