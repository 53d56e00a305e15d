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
    static final ArchRule SERVLET_API_ONLY_IN_THE_FILTER = noClasses()
            .that().resideInAPackage("io.streaminfer.websocket..")
            .and().haveNameNotMatching(".*\\.ClientAddressFilter(\\$.*)?")
            .should().dependOnClassesThat().resideInAPackage("jakarta.servlet..")
            .orShould().dependOnClassesThat().haveNameMatching(".*\\.ClientAddressFilter(\\$.*)?")
            .because("the servlet API is optional (provided): Tyrus and Netty hosts have none, and the endpoint must load there");

    @ArchTest
    static final ArchRule NO_CORE_INTERNALS = noClasses()
            .that().resideOutsideOfPackage("io.streaminfer.core..")
            .should().dependOnClassesThat().resideInAPackage("io.streaminfer.core.internal..")
            .because("streaming-core exports only its API package");
}
