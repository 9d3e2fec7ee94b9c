package io.managedtls.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's property reference lists exactly the properties that bind, and the generated configuration metadata
 * describes each of its entries.
 */
class PropertyDocumentationTests {

    private static final Pattern FIRST_NAME = Pattern.compile("^\\| `([^`]+)`");

    @Test
    void theReadmeListsEveryPropertyAndNoOther() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String reference = readme.substring(readme.indexOf("### Property reference"));
        reference = reference.substring(0, reference.indexOf("\n## "));
        Set<String> documented = new TreeSet<>();
        for (String line : reference.lines().toList()) {
            Matcher row = FIRST_NAME.matcher(line);
            if (row.find()) {
                documented.add(row.group(1));
            }
        }
        Set<String> bound = new TreeSet<>();
        collect("", TlsProperties.Context.class, bound);
        collect("tls.reload.", TlsProperties.Reload.class, bound);
        collect("tls.servers.<name>.", TlsProperties.Server.class, bound);
        collect("tls.clients.<name>.", TlsProperties.Client.class, bound);
        assertThat(documented).isEqualTo(bound);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGeneratedMetadataDescribesEveryEntry() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            Map<String, Object> metadata = JsonParserFactory.getJsonParser()
                .parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
            assertThat(properties).extracting((property) -> property.get("name"))
                .contains("tls.contexts", "tls.reload.quiet-period");
            assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
                .as("description of " + property.get("name")).isNotBlank());
            assertThat(properties).filteredOn((property) -> property.get("name").equals("tls.contexts"))
                .singleElement()
                .satisfies((property) -> assertThat((String) property.get("type"))
                    .contains(TlsProperties.Context.class.getName()));
        }
    }

    /** Collects the names of the bean properties of a group, nested groups included; sni as one documented row. */
    private static void collect(String prefix, Class<?> type, Set<String> names) {
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
            String name = prefix + descriptor.getName().replaceAll("([A-Z])", "-$1").toLowerCase();
            Class<?> propertyType = descriptor.getPropertyType();
            if (descriptor.getName().equals("class")) {
                continue;
            }
            if (descriptor.getName().equals("sni")) {
                names.add(name + "[<host>].certificate");
            }
            else if (propertyType.getName().startsWith(TlsProperties.class.getName() + "$")) {
                collect(name + ".", propertyType, names);
            }
            else {
                names.add(name);
            }
        }
    }

}
