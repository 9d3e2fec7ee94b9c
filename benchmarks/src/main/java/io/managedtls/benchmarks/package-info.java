/**
 * JMH benchmarks that measure what tls-core costs against the same work done with raw JSSE.
 */
@NullMarked
package io.managedtls.benchmarks;

import org.jspecify.annotations.NullMarked;
