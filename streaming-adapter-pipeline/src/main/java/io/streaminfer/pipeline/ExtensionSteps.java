package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/** Finds the {@link StepFactory} extensions on the class path and adapts their steps to the built-in ones. */
final class ExtensionSteps {

    private ExtensionSteps() {
    }

    /**
     * @param loader   where to look for {@code META-INF/services/io.streaminfer.pipeline.StepFactory}
     * @param builtIns names taken by built-in steps
     * @return the extensions by step name
     * @throws PipelineFileException when an extension's name is invalid or taken
     */
    static Map<String, StepFactory> discover(ClassLoader loader, List<String> builtIns) {
        Map<String, StepFactory> found = new LinkedHashMap<>();
        for (StepFactory factory : ServiceLoader.load(StepFactory.class, loader)) {
            String name = factory.name();
            String origin = factory.getClass().getName();
            if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                throw new PipelineFileException("the step extension " + origin + " is named '" + name
                        + "': use lower case letters, digits and _");
            }
            if (builtIns.contains(name)) {
                throw new PipelineFileException("the step extension " + origin + " is named '" + name
                        + "', which is a built-in step");
            }
            StepFactory other = found.putIfAbsent(name, factory);
            if (other != null) {
                throw new PipelineFileException("two step extensions are named '" + name + "': " + other.getClass().getName()
                        + " and " + origin);
            }
        }
        return found;
    }

    /** Adapts one session's extension step to a built-in {@link Step}. */
    static Supplier<Step> adapt(Supplier<? extends StepFactory.ExtensionStep> supplier) {
        return () -> {
            StepFactory.ExtensionStep step = supplier.get();
            return new Step() {
                @Override
                public StepOutput apply(Frame frame, FrameImage image) throws Exception {
                    StepFactory.Output output = step.apply(frame, pixels(image));
                    return new StepOutput(output.fields(), output.detections());
                }

                @Override
                public boolean needsColor() {
                    return step.needsColor();
                }

                @Override
                public void close() {
                    step.close();
                }
            };
        };
    }

    private static StepFactory.Pixels pixels(FrameImage image) {
        return new StepFactory.Pixels() {
            @Override
            public int width() throws Exception {
                return image.luma().width();
            }

            @Override
            public int height() throws Exception {
                return image.luma().height();
            }

            @Override
            public byte[] gray() throws Exception {
                return image.luma().pixels();
            }

            @Override
            public byte[] rgb() throws Exception {
                return image.rgb().rgb();
            }
        };
    }
}
