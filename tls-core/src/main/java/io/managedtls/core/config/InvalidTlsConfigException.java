package io.managedtls.core.config;

import io.managedtls.core.TlsError;

/**
 * Thrown when a {@link TlsConfig} setting is given a value it does not accept, or when the settings of a
 * configuration contradict each other. It names the setting, so that a caller binding the configuration from
 * properties can point at the property to change.
 *
 * <p>Unchecked, like other argument errors, because it is raised while a configuration is written, before any I/O.
 * Its {@link #error()} is always {@link TlsError#BAD_CONFIG}.
 */
public class InvalidTlsConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    /**
     * Creates an exception for the given setting.
     * @param setting the setting's name in kebab case, as it appears in properties, for example {@code protocols}
     * @param message what is wrong and what would be right
     */
    public InvalidTlsConfigException(String setting, String message) {
        super(setting + ": " + message);
        this.setting = setting;
    }

    /**
     * Returns the name of the offending setting, in kebab case.
     * @return the setting
     */
    public String setting() {
        return this.setting;
    }

    /**
     * Returns the error, always {@link TlsError#BAD_CONFIG}.
     * @return the error
     */
    public TlsError error() {
        return TlsError.BAD_CONFIG;
    }

}
