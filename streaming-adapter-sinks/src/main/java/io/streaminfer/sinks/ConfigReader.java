package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the values of one sink's config (a JSON object as a map) and turns every problem into
 * an {@link IllegalArgumentException} with one sentence that names the key. Sentences never
 * hold a password: URLs in them go through {@link Redaction#url}.
 */
final class ConfigReader {

    /**
     * A whole-number key, declared once with its default and range.
     *
     * @param name         the key
     * @param defaultValue the value when the key is absent
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     */
    record IntKey(String name, int defaultValue, int min, int max) {
    }

    private final String subject;
    private final Map<String, ?> config;

    /**
     * @param subject what the sentences are about, like {@code mqtt sink}
     * @param config  the config, never {@literal null}
     */
    ConfigReader(String subject, Map<String, ?> config) {
        this.subject = subject;
        this.config = config;
    }

    /** @return a reader of the same config whose sentences are about {@code newSubject} */
    ConfigReader about(String newSubject) {
        return new ConfigReader(newSubject, config);
    }

    /**
     * @param known every key this kind of sink reads
     * @throws IllegalArgumentException naming the first unknown key (in sorted order) and the known ones
     */
    void allowOnly(Set<String> known) {
        for (String key : new TreeSet<>(config.keySet())) {
            if (!known.contains(key)) {
                throw problem("unknown key '" + key + "' (known keys: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /**
     * @param key     a key that must be present
     * @param example how a value looks, for the sentence
     * @return its non-blank text
     */
    String requiredText(String key, String example) {
        return text(key).orElseThrow(() -> problem("'" + key + "' is required, " + example));
    }

    /** @return the key's text, empty when absent; blank text is refused */
    Optional<String> text(String key) {
        Object value = config.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw problem("'" + key + "' must be a string, got " + shown(key, value));
        }
        if (text.isBlank()) {
            throw problem("'" + key + "' must not be empty");
        }
        return Optional.of(text);
    }

    /** @return the key's boolean, {@code defaultValue} when absent */
    boolean bool(String key, boolean defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean flag)) {
            throw problem("'" + key + "' must be true or false, got " + shown(key, value));
        }
        return flag;
    }

    /** @return the key's whole number in its range, its default when absent */
    int integer(IntKey key) {
        Object value = config.get(key.name());
        if (value == null) {
            return key.defaultValue();
        }
        BigDecimal number = wholeNumber(value);
        if (number == null || number.compareTo(BigDecimal.valueOf(key.min())) < 0
                || number.compareTo(BigDecimal.valueOf(key.max())) > 0) {
            throw problem("'" + key.name() + "' must be a whole number between " + key.min() + " and " + key.max()
                    + ", got " + shown(key.name(), value));
        }
        return number.intValueExact();
    }

    /** @return the key's object of strings, in order; empty when absent */
    Map<String, String> textMap(String key) {
        Object value = config.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw problem("'" + key + "' must be an object of names and strings");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name) || !(entry.getValue() instanceof String text)) {
                throw problem("'" + key + "' must map names to strings, but '" + entry.getKey() + "' does not");
            }
            texts.put(name, text);
        }
        return texts;
    }

    /**
     * @param sentence what is wrong, naming the key
     * @return the exception to throw
     */
    IllegalArgumentException problem(String sentence) {
        return new IllegalArgumentException(subject + ": " + sentence);
    }

    private static BigDecimal wholeNumber(Object value) {
        BigDecimal number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            number = new BigDecimal(big);
        } else if (value instanceof BigDecimal decimal) {
            number = decimal;
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            number = BigDecimal.valueOf(d);
        } else {
            return null;
        }
        return number.stripTrailingZeros().scale() <= 0 ? number : null;
    }

    /** A value for a sentence: a credential's value is never shown. */
    private static String shown(String key, Object value) {
        if (Redaction.isCredentialName(key)) {
            return "a " + (value instanceof String ? "string" : value.getClass().getSimpleName());
        }
        return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    }
}
