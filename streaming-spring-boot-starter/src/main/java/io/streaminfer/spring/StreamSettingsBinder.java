package io.streaminfer.spring;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamSetting;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Binds the engine's settings under {@code streaming.*} from their {@link StreamSetting}
 * declarations: {@code queueDepth} is {@code streaming.queue-depth} (or
 * {@code STREAMING_QUEUE_DEPTH}, by Spring's relaxed binding), with the declaration's default and
 * range. Byte settings (their property ends in {@code Bytes}) take a Spring data size
 * ({@code 5MB}, or a plain number of bytes); durations take Spring's form ({@code 60s},
 * {@code 500ms}, a plain number of milliseconds). A value that does not convert fails startup
 * with Spring's bind error; one out of range with an {@link InvalidConfigurationPropertyValueException},
 * both naming the property.
 */
final class StreamSettingsBinder {

    static final String PREFIX = "streaming.";

    private StreamSettingsBinder() {
    }

    /**
     * @param binder the application's properties
     * @return the engine's settings, checked; never {@literal null}
     * @throws InvalidConfigurationPropertyValueException naming the first bad property
     */
    static StreamConfig bind(Binder binder) {
        StreamConfig.Builder builder = StreamConfig.builder();
        for (StreamSetting<?> setting : StreamSetting.all()) {
            bindOne(binder, builder, setting);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) { // values in range that disagree, like the threshold order
            String message = String.valueOf(e.getMessage());
            for (StreamSetting<?> setting : StreamSetting.all()) {
                if (message.startsWith(setting.property() + " ")) {
                    throw new InvalidConfigurationPropertyValueException(name(setting),
                            binder.bind(name(setting), Bindable.of(Object.class)).orElse("the default"),
                            springNames(message.substring(setting.property().length() + 1)));
                }
            }
            throw new IllegalStateException("the streaming.* settings disagree: " + springNames(message), e);
        }
    }

    /**
     * @param setting a setting
     * @return its Spring property name, like {@code streaming.queue-depth}
     */
    static String name(StreamSetting<?> setting) {
        return PREFIX + setting.property().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static <T extends Comparable<? super T>> void bindOne(Binder binder, StreamConfig.Builder builder,
                                                                  StreamSetting<T> setting) {
        String name = name(setting);
        T value;
        if (setting.property().endsWith("Bytes") && setting.type() == Long.class) {
            DataSize size = binder.bind(name, Bindable.of(DataSize.class)).orElse(null);
            if (size == null) {
                return;
            }
            value = setting.type().cast(size.toBytes());
        } else {
            value = binder.bind(name, Bindable.of(setting.type())).orElse(null);
            if (value == null) {
                return;
            }
        }
        if (!setting.accepts(value)) {
            throw new InvalidConfigurationPropertyValueException(name, setting.show(value), "must be " + setting.range());
        }
        builder.set(setting, value);
    }

    private static String springNames(String message) {
        String text = message;
        // longest first: maxSessions is a prefix of maxSessionsPerClient
        for (StreamSetting<?> setting : StreamSetting.all().stream()
                .sorted(java.util.Comparator.comparingInt((StreamSetting<?> s) -> s.property().length()).reversed())
                .toList()) {
            text = text.replace(setting.property(), name(setting));
        }
        return text;
    }
}
