package io.managedtls.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up failure caused by a {@code tls.*} property: which property, what is wrong, what to change.
 */
public class TlsPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTlsPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTlsPropertyException cause) {
        String description = "The TLS property '" + cause.property() + "' cannot be used: " + cause.problem();
        return new FailureAnalysis(description, cause.action(), cause);
    }

}
