/**
 * Watching material files for change: one thread over the JDK's watch service for every watched file.
 */
@NullMarked
package io.managedtls.autoconfigure.reload;

import org.jspecify.annotations.NullMarked;
