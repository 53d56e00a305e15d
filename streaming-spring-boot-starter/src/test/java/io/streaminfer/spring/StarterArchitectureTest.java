package io.streaminfer.spring;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The starter is glue: it wires the engine and the container-neutral endpoint into Spring and
 * reaches neither into a container nor into the engine's internals.
 */
@AnalyzeClasses(packages = "io.streaminfer.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class StarterArchitectureTest {

    @ArchTest
    static final ArchRule NO_CONTAINER_CLASSES = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.catalina..", "org.apache.tomcat..",
                    "org.apache.coyote..", "org.eclipse.jetty..", "org.glassfish..", "io.netty..")
            .because("the endpoint runs in whatever servlet container the application chose (Tomcat, Jetty...)");

    @ArchTest
    static final ArchRule NO_CORE_INTERNALS = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.streaminfer.core.internal..")
            .because("streaming-core exports only its API package");

    @ArchTest
    static final ArchRule NO_JSON_LIBRARY = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..", "tools.jackson..")
            .because("the wire encoding belongs to the protocol module");

    @ArchTest
    static final ArchRule ONLY_THE_AUTO_CONFIGURATION_AND_ITS_PUBLIC_TYPES_ARE_PUBLIC = classes()
            .that().arePublic().and().areTopLevelClasses()
            .should().haveSimpleNameEndingWith("AutoConfiguration")
            .orShould().haveSimpleNameEndingWith("Properties")
            .orShould().haveSimpleNameEndingWith("HealthIndicator")
            .because("an adapter is small and mostly package-private; only its entry points are public");
}
