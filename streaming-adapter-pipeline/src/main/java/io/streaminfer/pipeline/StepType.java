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
 * @param openParams   whether any parameter is passed through unchecked (an extension checks its own)
 * @param scoped       instead of {@code factory}, for steps that need to know their pipeline and
 *                     session ({@code track}, {@code zones}): makes a per-session instance from a
 *                     {@link StepScope}; {@literal null} for the others
 */
record StepType(String name, List<ParamSpec> params, Function<StepParams, Optional<String>> availability,
                Function<StepParams, Supplier<Step>> factory, boolean openParams,
                Function<StepParams, Function<StepScope, Step>> scoped) {

    StepType(String name, List<ParamSpec> params, Function<StepParams, Optional<String>> availability,
             Function<StepParams, Supplier<Step>> factory) {
        this(name, params, availability, factory, false, null);
    }

    /** A step whose instances know their pipeline and session. */
    static StepType scoped(String name, List<ParamSpec> params, Function<StepParams, Function<StepScope, Step>> scoped) {
        return new StepType(name, params, null, null, false, scoped);
    }

    /** @return how to make one instance per session from checked parameters */
    Function<StepScope, Step> maker(StepParams checked) {
        if (scoped != null) {
            return scoped.apply(checked);
        }
        Supplier<Step> supplier = factory.apply(checked);
        return scope -> supplier.get();
    }

    /** A step added by a {@link StepFactory} on the class path. */
    static StepType extension(StepFactory factory) {
        return new StepType(factory.name(), List.of(), p -> factory.unavailableReason(p.values()),
                p -> ExtensionSteps.adapt(factory.create(p.values())), true, null);
    }

    StepType {
        params = List.copyOf(params);
        if (availability == null) {
            availability = p -> Optional.empty();
        }
    }

    StepType withAvailability(Function<StepParams, Optional<String>> check) {
        return new StepType(name, params, check, factory, openParams, scoped);
    }

    Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(p -> p.name().equals(paramName)).findFirst();
    }

    List<String> paramNames() {
        return params.stream().map(ParamSpec::name).toList();
    }
}
