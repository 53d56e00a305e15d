package io.streaminfer.core;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "io.streaminfer.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    @ArchTest
    static final ArchRule CORE_USES_ONLY_THE_JDK = classes()
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.streaminfer.core..", "java..")
            .because("streaming-core is embedded in any server: no framework, JSON or logging library may leak in");

    @ArchTest
    static final ArchRule CORE_USES_NO_DESKTOP_OR_JDK_INTERNALS = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("java.awt..", "javax..", "sun..", "jdk.internal..")
            .because("the core reads headers; decoding pixels belongs to pipeline adapters");

    @ArchTest
    static final ArchRule NO_STANDARD_STREAMS = GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
            .because("embedders own their output; the core logs through System.Logger");
}
