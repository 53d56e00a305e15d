package io.streaminfer.websocket;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Rules this module can break with what is on its class path (the cross-module ones live in the app). */
@AnalyzeClasses(packages = "io.streaminfer", importOptions = ImportOption.DoNotIncludeTests.class)
class AdapterArchitectureTest {

    @ArchTest
    static final ArchRule NO_JSON_LIBRARY = noClasses()
            .that().resideInAPackage("io.streaminfer.websocket..")
            .should().dependOnClassesThat().resideInAPackage("com.fasterxml..")
            .because("the wire encoding belongs to the protocol module; the endpoint only moves its messages");

    @ArchTest
    static final ArchRule NO_CORE_INTERNALS = noClasses()
            .that().resideOutsideOfPackage("io.streaminfer.core..")
            .should().dependOnClassesThat().resideInAPackage("io.streaminfer.core.internal..")
            .because("streaming-core exports only its API package");
}
