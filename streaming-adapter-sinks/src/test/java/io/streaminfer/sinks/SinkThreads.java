package io.streaminfer.sinks;

import java.util.List;

/** The threads a sink may leave behind: its sender ({@code sink-*}) and Paho's for its client id. */
final class SinkThreads {

    private SinkThreads() {
    }

    /**
     * @param mqttClientId the client id of an MQTT sink, or {@literal null}
     * @return names of live threads that belong to sinks
     */
    static List<String> alive(String mqttClientId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("sink-") || (mqttClientId != null && name.startsWith("MQTT")
                        && name.contains(mqttClientId)))
                .toList();
    }
}
