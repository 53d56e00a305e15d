package io.streaminfer.examples;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;

/** Example 5 of docs/embedding.md: a Spring Boot application that serves streams through the starter. */
public final class SpringBootHosting implements AutoCloseable {

    // region example
    @SpringBootConfiguration
    @EnableAutoConfiguration     // the starter: the engine, ws://host:port/ws/video/stream, health, meters
    @RestController
    public static class MyApplication {

        @GetMapping("/hello")
        public String hello() {                                   // your application, as before
            return "hello from my app";
        }

        public static void main(String[] args) {
            SpringApplication.run(MyApplication.class, args);
        }
    }
    // endregion

    private final ConfigurableApplicationContext context;

    private SpringBootHosting(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * @param port the port, 0 for any
     * @return the running application, on the default settings
     */
    public static SpringBootHosting start(int port) {
        return start(null, port, List.of());
    }

    /**
     * @param config     the engine's settings (a {@code StreamConfig} bean of the application, which the
     *                   starter's {@code streaming.*} binding backs off for), or {@literal null} for the properties'
     * @param port       the port, 0 for any
     * @param sources    more configuration classes of the application (beans that replace the starter's)
     * @param properties more application properties, {@code name=value}
     * @return the running application
     */
    public static SpringBootHosting start(StreamConfig config, int port, List<Class<?>> sources, String... properties) {
        List<Class<?>> all = new ArrayList<>(List.of(MyApplication.class));
        all.addAll(sources);
        List<String> settings = new ArrayList<>(List.of("server.address=127.0.0.1", "server.port=" + port,
                "spring.main.banner-mode=off", "management.endpoint.health.show-details=always"));
        settings.addAll(List.of(properties));
        SpringApplicationBuilder application = new SpringApplicationBuilder(all.toArray(Class<?>[]::new))
                .properties(settings.toArray(String[]::new));
        if (config != null) {
            application.initializers(context -> context.getBeanFactory().registerSingleton("streamConfig", config));
        }
        return new SpringBootHosting(application.run());
    }

    /** @return the bound port */
    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** @return the engine the starter registered */
    public StreamEngine engine() {
        return context.getBean(StreamEngine.class);
    }

    /** @return the application context, for tests that look at its beans */
    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();   // the starter drains the engine first: frames in flight answered, sessions closed with 1001
    }
}
