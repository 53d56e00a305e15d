package io.streaminfer.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A kind of step that pipelines files may use: its name, its parameters, whether it can run on
 * this machine, and how to make a per-session instance from checked parameters.
 *
 * @param name         the {@code "step"} value in a pipelines file
 * @param params       the parameters it accepts
 * @param availability why it cannot run here, or empty when it can
 * @param factory      makes, from checked parameters, a supplier of per-session instances
 */
record StepType(String name, List<ParamSpec> params, Supplier<Optional<String>> availability,
                Function<StepParams, Supplier<Step>> factory) {

    StepType {
        params = List.copyOf(params);
    }

    Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    List<String> paramNames() {
        return params.stream().map(ParamSpec::name).toList();
    }
}
