package io.managedtls.autoconfigure.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code tls} and {@code tlssessions} endpoints.
 */
@ConfigurationProperties("management.endpoint.tls")
public class TlsEndpointProperties {

    /**
     * When to show peer addresses in the tls and tlssessions endpoints: never, always or when-authorized. They are
     * masked otherwise.
     */
    private Show showValues = Show.NEVER;

    /**
     * Roles that may see peer addresses when show-values is when-authorized; any authenticated user when empty.
     */
    private Set<String> roles = new LinkedHashSet<>();

    public Show getShowValues() {
        return this.showValues;
    }

    public void setShowValues(Show showValues) {
        this.showValues = showValues;
    }

    public Set<String> getRoles() {
        return this.roles;
    }

    public void setRoles(Set<String> roles) {
        this.roles = roles;
    }

}
