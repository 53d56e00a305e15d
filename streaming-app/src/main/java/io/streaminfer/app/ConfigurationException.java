package io.streaminfer.app;

/** A bad setting: the message names the variable and says what was expected. */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param variable the environment variable
     * @param problem  what is wrong with it
     */
    public ConfigurationException(String variable, String problem) {
        super(variable + ": " + problem, null, false, false);
    }
}
