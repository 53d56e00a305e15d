package io.streaminfer.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An MQTT topic with placeholders filled from each event: {@code streams/{pipeline_id}/events}.
 * Parsed once from the config; {@link #fill} only concatenates. A value cannot add topic levels
 * or wildcards: {@code /}, {@code +}, {@code #} and NUL in it become {@code _}; a missing or
 * empty value becomes {@code unknown}.
 */
final class TopicTemplate {

    /** The event fields a topic may name. */
    static final Set<String> PLACEHOLDERS = Set.of("pipeline_id", "session_id");

    private final String text;
    private final String[] literals; // literals[i] precedes fields[i]; the last literal ends the topic
    private final String[] fields;

    private TopicTemplate(String text, List<String> literals, List<String> fields) {
        this.text = text;
        this.literals = literals.toArray(String[]::new);
        this.fields = fields.toArray(String[]::new);
    }

    /**
     * @param text the topic as configured
     * @return the template
     * @throws IllegalArgumentException with a sentence about the {@code topic} key when the text
     *         is empty, holds a wildcard, or names an unknown placeholder
     */
    static TopicTemplate parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("'topic' must not be empty");
        }
        if (text.indexOf('+') >= 0 || text.indexOf('#') >= 0 || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'topic' must not hold the wildcards + or # (a publish goes to one topic), got \""
                    + text + "\"");
        }
        List<String> literals = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        int start = 0;
        while (true) {
            int open = text.indexOf('{', start);
            int stray = text.indexOf('}', start);
            if (stray >= 0 && (open < 0 || stray < open)) {
                throw new IllegalArgumentException("'topic' has a '}' without '{' at position " + stray + ": \"" + text + "\"");
            }
            if (open < 0) {
                literals.add(text.substring(start));
                return new TopicTemplate(text, literals, fields);
            }
            int close = text.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("'topic' has a '{' without '}' at position " + open + ": \"" + text + "\"");
            }
            String field = text.substring(open + 1, close);
            if (!PLACEHOLDERS.contains(field)) {
                throw new IllegalArgumentException("'topic' names an unknown placeholder {" + field
                        + "}; known: {pipeline_id}, {session_id}");
            }
            literals.add(text.substring(start, open));
            fields.add(field);
            start = close + 1;
        }
    }

    /**
     * @param event an event
     * @return the topic for that event, never {@literal null}
     */
    String fill(Map<String, ?> event) {
        if (fields.length == 0) {
            return literals[0];
        }
        StringBuilder topic = new StringBuilder(text.length() + 32);
        for (int i = 0; i < fields.length; i++) {
            topic.append(literals[i]);
            appendLevel(topic, event.get(fields[i]));
        }
        return topic.append(literals[fields.length]).toString();
    }

    private static void appendLevel(StringBuilder topic, Object value) {
        String text = value == null ? "" : value.toString();
        if (text.isEmpty()) {
            topic.append("unknown");
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            topic.append(c == '/' || c == '+' || c == '#' || c == '\0' ? '_' : c);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
