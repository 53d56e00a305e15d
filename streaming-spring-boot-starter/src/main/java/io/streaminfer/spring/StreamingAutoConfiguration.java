package io.streaminfer.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamListener;
import io.streaminfer.micrometer.MicrometerStreamListener;
import io.streaminfer.pipeline.ModelOptions;
import io.streaminfer.pipeline.PipelineOptions;
import io.streaminfer.pipeline.Pipelines;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The stream engine and its {@code /ws/video/stream} endpoint in a Spring Boot servlet
 * application (Tomcat by default). Every bean backs off when the application declares its own:
 * {@link StreamConfig} (else {@code streaming.*}, see {@link StreamSettingsBinder}),
 * {@link PipelineRegistry} ({@code streaming.pipelines}, else the built-in pipelines),
 * {@link AccessPolicy}, {@link TrustedProxies}, {@link StreamListener} (Micrometer meters in the
 * application's {@link MeterRegistry}), {@link StreamEngine}, the endpoint's
 * {@link ServerEndpointConfig} (bean {@code streamEndpoint}), the handshake filter (bean
 * {@code streamHandshakeFilter}) and the health indicator (bean {@code streamingHealthIndicator}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ServerContainer.class, ServerEndpointExporter.class, StreamEndpoint.class})
@EnableConfigurationProperties(StreamingProperties.class)
public class StreamingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    StreamConfig streamConfig(Environment environment) {
        return StreamSettingsBinder.bind(Binder.get(environment));
    }

    @Bean
    @ConditionalOnMissingBean
    PipelineRegistry streamPipelines(StreamingProperties properties, StreamConfig config) {
        ModelOptions models = new ModelOptions(
                properties.getModelsDir() != null ? properties.getModelsDir() : ModelOptions.defaultDirectory(System.getenv()),
                properties.getModelThreads() != null ? properties.getModelThreads() : ModelOptions.defaultThreads());
        PipelineOptions options = new PipelineOptions(properties.getDelay(), config.maxFramePixels(), models);
        return properties.getPipelines() == null ? Pipelines.defaults(options)
                : Pipelines.fromFile(properties.getPipelines(), options);
    }

    @Bean
    @ConditionalOnMissingBean
    AccessPolicy streamAccessPolicy(StreamingProperties properties) {
        String token = properties.getAuthToken();
        if (token != null && token.isBlank()) {
            throw new InvalidConfigurationPropertyValueException("streaming.auth-token", "(blank)",
                    "must not be blank; leave it unset for no token");
        }
        return AccessPolicy.of(new LinkedHashSet<>(properties.getAllowedOrigins()), properties.isRequireOrigin(), token);
    }

    @Bean
    @ConditionalOnMissingBean
    TrustedProxies streamTrustedProxies(StreamingProperties properties) {
        String spec = properties.getTrustedProxies();
        if (spec == null || spec.isBlank()) {
            return TrustedProxies.none();
        }
        try {
            return TrustedProxies.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("streaming.trusted-proxies", spec, e.getMessage());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    StreamEngine streamEngine(StreamConfig config, PipelineRegistry pipelines, ObjectProvider<StreamListener> listeners,
                              StreamingProperties properties) {
        StreamEngine.Builder builder = StreamEngine.builder(pipelines)
                .config(config)
                .listener(StreamListener.all(listeners.orderedStream().toArray(StreamListener[]::new)));
        if (properties.getWorkers() != null) {
            int workers = properties.getWorkers();
            if (workers < 1 || workers > 1024) {
                throw new InvalidConfigurationPropertyValueException("streaming.workers", workers, "must be between 1 and 1024");
            }
            builder.workers(workers);
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    StreamEngineLifecycle streamEngineLifecycle(StreamEngine engine, StreamingProperties properties) {
        return new StreamEngineLifecycle(engine, properties.getShutdownGrace());
    }

    @Bean
    @ConditionalOnMissingBean(name = "streamEndpoint")
    ServerEndpointConfig streamEndpoint(StreamEngine engine, AccessPolicy access, TrustedProxies proxies) {
        return StreamEndpoint.config(engine, StreamEndpoint.clientAddressFromFilter(), access, proxies, null);
    }

    @Bean
    @ConditionalOnMissingBean(name = "streamHandshakeFilter")
    FilterRegistrationBean<StreamHandshakeFilter> streamHandshakeFilter(StreamEngine engine, AccessPolicy access) {
        FilterRegistrationBean<StreamHandshakeFilter> registration =
                new FilterRegistrationBean<>(new StreamHandshakeFilter(engine, access));
        registration.addUrlPatterns(StreamEndpoint.PATH);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    static ServerEndpointExporter serverEndpointExporter() {
        return new ServerEndpointExporter();
    }

    /** Health, when Spring Boot's health module is there (it comes with the actuator). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "streamingHealthIndicator")
        StreamEngineHealthIndicator streamingHealthIndicator(StreamEngine engine) {
            return new StreamEngineHealthIndicator(engine);
        }
    }

    /** Meters in the application's registry, when Micrometer and the meter binding are there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, MicrometerStreamListener.class})
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(StreamListener.class)
        StreamListener streamMetricsListener(ObjectProvider<MeterRegistry> registries, PipelineRegistry pipelines) {
            MeterRegistry registry = registries.getIfUnique();
            if (registry == null) {
                return StreamListener.NOOP;
            }
            List<String> ids = pipelines.pipelines().stream().map(PipelineInfo::id).toList();
            return new MicrometerStreamListener(registry, ids);
        }

        @Bean
        static SmartInitializingSingleton streamEngineGauges(ObjectProvider<StreamListener> listeners,
                                                              ObjectProvider<StreamEngine> engine) {
            return () -> listeners.orderedStream()
                    .filter(MicrometerStreamListener.class::isInstance)
                    .forEach(listener -> ((MicrometerStreamListener) listener).bindEngine(engine.getObject()));
        }
    }
}
