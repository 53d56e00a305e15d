package io.streaminfer.app;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module graph, checked where every module is on the class path: the protocol module knows
 * no transport, the Jakarta endpoint knows no container, the transports know each other not at
 * all (Netty's not even the Jakarta API), and among them only the protocol module touches the JSON
 * library.
 */
@AnalyzeClasses(packages = "io.streaminfer", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

    private static final String[] TRANSPORT_LIBRARIES = {"jakarta.websocket..", "org.glassfish..", "org.eclipse.jetty..", "io.netty.."};

    @ArchTest
    static final ArchRule PROTOCOL_KNOWS_NO_TRANSPORT = noClasses()
            .that().resideInAPackage("io.streaminfer.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT_LIBRARIES)
            .orShould().dependOnClassesThat().resideInAnyPackage("io.streaminfer.websocket..", "io.streaminfer.tyrus..",
                    "io.streaminfer.jetty..", "io.streaminfer.netty..", "io.streaminfer.app..", "io.streaminfer.pipeline..")
            .because("every transport shares the protocol module, so it depends on the core and Jackson only");

    @ArchTest
    static final ArchRule ENDPOINT_IS_CONTAINER_NEUTRAL = noClasses()
            .that().resideInAPackage("io.streaminfer.websocket..")
            .should().dependOnClassesThat().resideInAnyPackage("org.glassfish..", "org.eclipse.jetty..", "io.netty..",
                    "io.streaminfer.tyrus..", "io.streaminfer.jetty..", "io.streaminfer.netty..", "io.streaminfer.app..",
                    "io.streaminfer.pipeline..")
            .because("the Jakarta endpoint must run in any Jakarta WebSocket container");

    @ArchTest
    static final ArchRule TYRUS_KNOWS_NO_OTHER_ADAPTER = noClasses()
            .that().resideInAPackage("io.streaminfer.tyrus..")
            .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "io.netty..",
                    "io.streaminfer.jetty..", "io.streaminfer.netty..", "io.streaminfer.app..", "io.streaminfer.pipeline..")
            .because("adapters depend on the shared modules, never on each other or on the app");

    @ArchTest
    static final ArchRule JETTY_KNOWS_NO_OTHER_ADAPTER = noClasses()
            .that().resideInAPackage("io.streaminfer.jetty..")
            .should().dependOnClassesThat().resideInAnyPackage("org.glassfish..", "io.netty..",
                    "io.streaminfer.tyrus..", "io.streaminfer.netty..", "io.streaminfer.app..", "io.streaminfer.pipeline..")
            .because("adapters depend on the shared modules, never on each other or on the app");

    @ArchTest
    static final ArchRule NETTY_KNOWS_NO_OTHER_ADAPTER = noClasses()
            .that().resideInAPackage("io.streaminfer.netty..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.websocket..", "org.glassfish..", "org.eclipse.jetty..",
                    "io.streaminfer.websocket..", "io.streaminfer.tyrus..", "io.streaminfer.jetty..", "io.streaminfer.app..",
                    "io.streaminfer.pipeline..")
            .because("the Netty transport drives the core directly: no Jakarta API, no other adapter, not the app");

    @ArchTest
    static final ArchRule SOURCES_KNOW_NO_TRANSPORT = noClasses()
            .that().resideInAPackage("io.streaminfer.sources..")
            .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT_LIBRARIES)
            .orShould().dependOnClassesThat().resideInAnyPackage("io.streaminfer.websocket..", "io.streaminfer.tyrus..",
                    "io.streaminfer.jetty..", "io.streaminfer.netty..", "io.streaminfer.app..", "io.streaminfer.pipeline..",
                    "io.streaminfer.sinks..", "io.streaminfer.core.internal..")
            .because("sources are an inbound adapter of the core like the transports: they drive the engine's public API"
                    + " and reach watchers through the SourceFeeds port, whatever transport serves them");

    @ArchTest
    static final ArchRule METRICS_KNOW_ONLY_THE_CORE = noClasses()
            .that().resideInAPackage("io.streaminfer.micrometer..")
            .should().dependOnClassesThat().resideInAnyPackage(TRANSPORT_LIBRARIES)
            .orShould().dependOnClassesThat().resideInAnyPackage("io.streaminfer.protocol..", "io.streaminfer.websocket..",
                    "io.streaminfer.tyrus..", "io.streaminfer.jetty..", "io.streaminfer.app..", "io.streaminfer.pipeline..",
                    "io.streaminfer.core.internal..")
            .because("the meters are the engine's metrics port bound to Micrometer, shared by the app and the Spring starter");

    @ArchTest
    static final ArchRule ONLY_THE_PROTOCOL_MODULE_USES_JACKSON = noClasses()
            .that().resideInAnyPackage("io.streaminfer.websocket..", "io.streaminfer.tyrus..", "io.streaminfer.jetty..",
                    "io.streaminfer.netty..")
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml..")
            .because("the JSON encoding of the wire messages lives in one place, the protocol module");
}
