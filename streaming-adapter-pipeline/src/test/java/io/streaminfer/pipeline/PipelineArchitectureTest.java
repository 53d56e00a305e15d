package io.streaminfer.pipeline;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "io.streaminfer.pipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class PipelineArchitectureTest {

    @ArchTest
    static final ArchRule NO_TRANSPORT_OR_APP = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.streaminfer.websocket..", "io.streaminfer.tyrus..", "io.streaminfer.app..",
                    "jakarta.websocket..", "org.glassfish..")
            .because("pipelines know frames and results, not transports");

    @ArchTest
    static final ArchRule NO_CORE_INTERNALS = noClasses()
            .should().dependOnClassesThat().resideInAPackage("io.streaminfer.core.internal..")
            .because("streaming-core exports only its API package");
}
