package io.managedtls.demo;

import java.time.Clock;
import java.util.List;

import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.autoconfigure.actuate.TlsEndpoint;
import io.managedtls.core.service.TlsContextRegistry;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data of the demo's page: what {@code /actuator/tls} shows, served next to the page so that the browser reads it
 * from the page's own origin.
 */
@RestController
class TlsStatusController {

    private final TlsEndpoint endpoint;

    TlsStatusController(TlsContextRegistry contexts, TlsContextReloads reloads) {
        this.endpoint = new TlsEndpoint(contexts, reloads, Show.NEVER, List.of(), Clock.systemUTC());
    }

    @GetMapping("/status")
    TlsEndpoint.ContextsDescriptor status() {
        return this.endpoint.contexts();
    }

}
