package io.managedtls.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of tls-core form no cycle, as the JDK's own dependency tool sees the compiled classes:
 * {@code jdeps -verbose:package -filter:none target/classes}. The root package depends on none of the others.
 */
class PackageGraphTests {

    private static final Pattern EDGE = Pattern.compile("^\\s+(io\\.managedtls\\.core[\\w.]*)\\s+->\\s+"
            + "(io\\.managedtls\\.core[\\w.]*)\\s", Pattern.MULTILINE);

    @Test
    void packagesFormNoCycleAndTheRootDependsOnNoneOfThem() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertThat(graph).containsKeys("io.managedtls.core.connection", "io.managedtls.core.context");
        assertThat(graph.getOrDefault("io.managedtls.core", Set.of())).isEmpty();
        assertThat(cycles(graph)).isEmpty();
    }

    @Test
    void cycleDetectionFindsACycle() {
        Map<String, Set<String>> cyclic = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertThat(cycles(cyclic)).containsExactly(Set.of("a", "b", "c"));
    }

    private static Map<String, Set<String>> packageGraph() throws Exception {
        Path classes = Path.of("target", "classes");
        assertThat(Files.isDirectory(classes)).as("compiled classes in " + classes.toAbsolutePath()).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                classes.toString());
        assertThat(exit).as(out.toString()).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            if (!edge.group(1).equals(edge.group(2))) {
                graph.computeIfAbsent(edge.group(1), (from) -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return graph;
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> cycles = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                visit(start, graph, index, low, stack, onStack, cycles);
            }
        }
        return cycles;
    }

    private static void visit(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> cycles) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                visit(next, graph, index, low, stack, onStack, cycles);
                low.put(node, Math.min(low.get(node), low.get(next)));
            }
            else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            }
            while (!member.equals(node));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }

}
