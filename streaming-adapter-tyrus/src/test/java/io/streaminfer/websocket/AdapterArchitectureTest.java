package io.streaminfer.websocket;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "io.streaminfer", importOptions = ImportOption.DoNotIncludeTests.class)
class AdapterArchitectureTest {

    @ArchTest
    static final ArchRule ENDPOINT_IS_CONTAINER_NEUTRAL = noClasses()
            .that().resideInAPackage("io.streaminfer.websocket..")
            .should().dependOnClassesThat().resideInAnyPackage("org.glassfish..", "org.eclipse.jetty..", "io.streaminfer.tyrus..")
            .because("the endpoint must run in any Jakarta WebSocket container");

    @ArchTest
    static final ArchRule NO_OTHER_ADAPTER_OR_APP = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("io.streaminfer.pipeline..", "io.streaminfer.app..")
            .because("adapters depend on the core only, never on each other or on the app");

    @ArchTest
    static final ArchRule NO_CORE_INTERNALS = noClasses()
            .that().resideOutsideOfPackage("io.streaminfer.core..")
            .should().dependOnClassesThat().resideInAPackage("io.streaminfer.core.internal..")
            .because("streaming-core exports only its API package");
}
