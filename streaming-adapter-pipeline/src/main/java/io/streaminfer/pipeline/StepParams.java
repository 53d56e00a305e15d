package io.streaminfer.pipeline;

import java.util.List;
import java.util.Map;

/** The checked parameters of one step, defaults filled in. */
record StepParams(Map<String, Object> values) {

    StepParams {
        values = Map.copyOf(values);
    }

    long integer(String name) {
        return (Long) get(name);
    }

    double number(String name) {
        return ((Number) get(name)).doubleValue();
    }

    boolean bool(String name) {
        return (Boolean) get(name);
    }

    String text(String name) {
        return (String) get(name);
    }

    int[] integers(String name) {
        return ((int[]) get(name)).clone();
    }

    @SuppressWarnings("unchecked")
    List<String> list(String name) {
        return (List<String>) get(name);
    }

    /** @return a {@link ParamSpec#json} value: maps, lists, strings, numbers, booleans */
    Object json(String name) {
        return get(name);
    }

    private Object get(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("no parameter " + name); // a step asked for what it did not declare
        }
        return value;
    }
}
