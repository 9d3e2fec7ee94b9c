package io.managedtls.core.connection;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Test fixture, run in a JVM of its own: a plain JSSE TLS 1.3 client that sends "ping", reads the answer and the
 * close_notify, and prints how many sessions its JSSE client cache holds: its own and one per NewSessionTicket received. Started
 * with {@code -Djdk.tls.client.disableExtensions=psk_key_exchange_modes} it offers no PSK modes, which a JVM-wide
 * property allows only in a JVM of its own. Trusts what {@code javax.net.ssl.trustStore} names.
 */
public final class TicketClient {

    private TicketClient() {
    }

    public static void main(String[] args) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, null, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(args[0],
                Integer.parseInt(args[1]))) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] { "TLSv1.3" });
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            OutputStream output = socket.getOutputStream();
            output.write("ping".getBytes(StandardCharsets.US_ASCII));
            output.flush();
            InputStream input = socket.getInputStream();
            String answer = new String(input.readAllBytes(), StandardCharsets.US_ASCII);
            int sessions = Collections.list(context.getClientSessionContext().getIds()).size();
            System.out.println("answer=" + answer + " sessions=" + sessions);
        }
    }

}
