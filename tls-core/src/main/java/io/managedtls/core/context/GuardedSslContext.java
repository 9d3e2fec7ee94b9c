package io.managedtls.core.context;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Enumeration;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * A context's JSSE {@link SSLContext} as code outside the context may use it: it makes engines, sockets and server
 * sockets with the context's key and trust managers, and shows its session caches, but refuses to be initialised again
 * or to have its caches resized or their timeouts changed. The context sizes JSSE's caches to outlast its own session
 * cache, which decides what may be resumed; a smaller JSSE cache would silently decide instead.
 */
final class GuardedSslContext extends SSLContext {

    GuardedSslContext(SSLContext context) {
        super(new Spi(context), context.getProvider(), context.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {

        private final SSLContext context;

        private final SSLSessionContext serverSessions;

        private final SSLSessionContext clientSessions;

        Spi(SSLContext context) {
            this.context = context;
            this.serverSessions = new ReadOnlySessions(context.getServerSessionContext());
            this.clientSessions = new ReadOnlySessions(context.getClientSessionContext());
        }

        @Override
        protected void engineInit(KeyManager @Nullable [] keyManagers, TrustManager @Nullable [] trustManagers,
                @Nullable SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("A TLS context's SSLContext is initialised by the context; reload the "
                    + "context to change its material");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return this.context.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return this.context.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return this.context.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return this.context.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return this.serverSessions;
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return this.clientSessions;
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return this.context.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return this.context.getSupportedSSLParameters();
        }

    }

    /** A JSSE session cache that can be read but not resized or retimed. */
    private record ReadOnlySessions(SSLSessionContext sessions) implements SSLSessionContext {

        @Override
        public @Nullable SSLSession getSession(byte[] sessionId) {
            return this.sessions.getSession(sessionId);
        }

        @Override
        public Enumeration<byte[]> getIds() {
            return this.sessions.getIds();
        }

        @Override
        public void setSessionTimeout(int seconds) {
            throw refused("timeout");
        }

        @Override
        public int getSessionTimeout() {
            return this.sessions.getSessionTimeout();
        }

        @Override
        public void setSessionCacheSize(int size) {
            throw refused("size");
        }

        @Override
        public int getSessionCacheSize() {
            return this.sessions.getSessionCacheSize();
        }

        private static UnsupportedOperationException refused(String what) {
            return new UnsupportedOperationException("The JSSE session cache " + what + " of a TLS context follows "
                    + "its session-cache-size and session-timeout settings, so that the context's session cache "
                    + "decides what may be resumed; configure those instead");
        }

    }

}
