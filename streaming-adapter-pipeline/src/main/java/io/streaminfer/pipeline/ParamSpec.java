package io.streaminfer.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One parameter a step accepts: its type, range and default. Checks a value from a pipelines
 * file and says in one sentence what is wrong with it.
 */
record ParamSpec(String name, Type type, double min, double max, List<String> allowed, Object fallback) {

    private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN = new com.fasterxml.jackson.databind.ObjectMapper();

    /** What kind of value a parameter takes. */
    enum Type { INTEGER, NUMBER, BOOLEAN, CHOICE, CHOICES, TEXT, TEXTS, INTEGERS, JSON }

    static ParamSpec integer(String name, long min, long max, long fallback) {
        return new ParamSpec(name, Type.INTEGER, min, max, List.of(), fallback);
    }

    static ParamSpec number(String name, double min, double max, double fallback) {
        return new ParamSpec(name, Type.NUMBER, min, max, List.of(), fallback);
    }

    static ParamSpec bool(String name, boolean fallback) {
        return new ParamSpec(name, Type.BOOLEAN, 0, 0, List.of(), fallback);
    }

    static ParamSpec choice(String name, List<String> allowed, String fallback) {
        return new ParamSpec(name, Type.CHOICE, 0, 0, List.copyOf(allowed), fallback);
    }

    static ParamSpec choices(String name, List<String> allowed) {
        return new ParamSpec(name, Type.CHOICES, 0, 0, List.copyOf(allowed), List.copyOf(allowed));
    }

    static ParamSpec text(String name, String fallback) {
        return new ParamSpec(name, Type.TEXT, 0, 0, List.of(), fallback);
    }

    /** A list of non-empty strings, any (checked by the step, e.g. against a model's class names); the default is empty. */
    static ParamSpec texts(String name) {
        return new ParamSpec(name, Type.TEXTS, 0, 0, List.of(), List.of());
    }

    /** Any JSON value, as plain maps, lists, strings, numbers and booleans; the step checks it. */
    static ParamSpec json(String name, Object fallback) {
        return new ParamSpec(name, Type.JSON, 0, 0, List.of(), fallback);
    }

    /** A list of exactly {@code count} whole numbers in a range; the default is all zeros. */
    static ParamSpec integers(String name, int count, long min, long max) {
        return new ParamSpec(name, Type.INTEGERS, min, max, List.of(String.valueOf(count)), new int[count]);
    }

    /** A copy with another default (e.g. {@code STREAM_DELAY_MS} for the delay step). */
    ParamSpec withFallback(Object newFallback) {
        return new ParamSpec(name, type, min, max, allowed, newFallback);
    }

    /**
     * @param value the value from the file
     * @return the checked value (Long, Double, Boolean, String or List of String)
     * @throws IllegalArgumentException with a sentence naming the parameter
     */
    Object read(JsonNode value) {
        switch (type) {
            case INTEGER -> {
                if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
                    throw bad("a whole number between " + (long) min + " and " + (long) max, value);
                }
                return value.asLong();
            }
            case NUMBER -> {
                if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
                    throw bad("a number between " + min + " and " + max, value);
                }
                return value.asDouble();
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw bad("true or false", value);
                }
                return value.asBoolean();
            }
            case CHOICE -> {
                if (!value.isTextual() || !allowed.contains(value.asText())) {
                    throw bad("one of " + String.join(", ", allowed), value);
                }
                return value.asText();
            }
            case TEXT -> {
                if (!value.isTextual()) {
                    throw bad("a string", value);
                }
                return value.asText();
            }
            case JSON -> {
                return PLAIN.convertValue(value, Object.class);
            }
            case TEXTS -> {
                if (!value.isArray() || value.isEmpty()) {
                    throw bad("a non-empty list of strings", value);
                }
                List<String> texts = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isTextual() || item.asText().isBlank()) {
                        throw bad("a non-empty list of strings", value);
                    }
                    texts.add(item.asText());
                }
                return List.copyOf(texts);
            }
            case INTEGERS -> {
                int count = Integer.parseInt(allowed.get(0));
                String expected = "a list of " + count + " whole numbers between " + (long) min + " and " + (long) max;
                if (!value.isArray() || value.size() != count) {
                    throw bad(expected, value);
                }
                int[] numbers = new int[count];
                for (int i = 0; i < count; i++) {
                    JsonNode item = value.get(i);
                    if (!item.isIntegralNumber() || item.asLong() < min || item.asLong() > max) {
                        throw bad(expected, value);
                    }
                    numbers[i] = item.asInt();
                }
                return numbers;
            }
            default -> {
                if (!value.isArray() || value.isEmpty()) {
                    throw bad("a non-empty list of " + String.join(", ", allowed), value);
                }
                List<String> chosen = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isTextual() || !allowed.contains(item.asText())) {
                        throw bad("a non-empty list of " + String.join(", ", allowed), value);
                    }
                    chosen.add(item.asText());
                }
                return List.copyOf(chosen);
            }
        }
    }

    private IllegalArgumentException bad(String expected, JsonNode value) {
        return new IllegalArgumentException("parameter '" + name + "' must be " + expected + ", got " + value);
    }
}
