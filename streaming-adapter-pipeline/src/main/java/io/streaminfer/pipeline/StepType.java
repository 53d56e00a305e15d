package io.streaminfer.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A kind of step that pipelines files may use: its name, its parameters, whether it can run on
 * this machine with given parameters, and how to make a per-session instance from them.
 *
 * @param name         the {@code "step"} value in a pipelines file
 * @param params       the parameters it accepts
 * @param availability why it cannot run here with these parameters, or empty when it can
 * @param factory      makes, from checked parameters, a supplier of per-session instances
 */
record StepType(String name, List<ParamSpec> params, Function<StepParams, Optional<String>> availability,
                Function<StepParams, Supplier<Step>> factory) {

    StepType {
        params = List.copyOf(params);
        if (availability == null) {
            availability = p -> Optional.empty();
        }
    }

    StepType withAvailability(Function<StepParams, Optional<String>> check) {
        return new StepType(name, params, check, factory);
    }

    Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    List<String> paramNames() {
        return params.stream().map(ParamSpec::name).toList();
    }
}
