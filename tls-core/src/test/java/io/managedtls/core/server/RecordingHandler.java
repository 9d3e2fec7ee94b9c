package io.managedtls.core.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Test fixture: a handler that echoes what it reads and notes every call as {@code open <id>}, {@code data <id>} and
 * {@code close <id>}, with the thread it came on. Data that begins with {@code boom} makes it throw.
 */
final class RecordingHandler implements TlsConnectionHandler {

    /** How long a test waits for a callback: long past any timeout the tests configure. */
    static final Duration WAIT = Duration.ofSeconds(15);

    final List<String> calls = new CopyOnWriteArrayList<>();

    final List<String> threads = new CopyOnWriteArrayList<>();

    private final BlockingQueue<TlsChannel> opened = new LinkedBlockingQueue<>();

    private final BlockingQueue<TlsChannel> closed = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(TlsChannel channel) {
        note("open", channel);
        this.opened.add(channel);
    }

    @Override
    public void onData(TlsChannel channel, ByteBuffer data) {
        note("data", channel);
        if (StandardCharsets.UTF_8.decode(data.duplicate()).toString().startsWith("boom")) {
            throw new IllegalStateException("boom, as the test asked");
        }
        channel.write(data);
    }

    @Override
    public void onClose(TlsChannel channel) {
        note("close", channel);
        this.closed.add(channel);
    }

    private void note(String call, TlsChannel channel) {
        this.calls.add(call + " " + channel.id());
        this.threads.add(Thread.currentThread().getName());
    }

    TlsChannel nextOpened() throws InterruptedException {
        return next(this.opened, "onOpen");
    }

    TlsChannel nextClosed() throws InterruptedException {
        return next(this.closed, "onClose");
    }

    /** The calls for one connection, with repeated data calls as one. */
    List<String> callsOf(long id) {
        return this.calls.stream().filter((call) -> call.endsWith(" " + id)).map((call) -> call.split(" ")[0])
                .distinct().collect(Collectors.toList());
    }

    Set<String> threadNames() {
        return Set.copyOf(this.threads);
    }

    private static TlsChannel next(BlockingQueue<TlsChannel> queue, String call) throws InterruptedException {
        TlsChannel channel = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (channel == null) {
            throw new AssertionError("No " + call + " within " + WAIT);
        }
        return channel;
    }

}
