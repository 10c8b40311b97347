package io.freightwatch.testing;

import io.freightwatch.lab.Lab;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that gives test classes the {@link SharedLab}: annotate the class with
 * {@code @ExtendWith(LabExtension.class)} and declare a {@link Lab} parameter in a constructor, a
 * lifecycle method or a test method. The lab starts before the first test of the class, or the
 * class is skipped when a server program is missing (failed under {@code CI=true}).
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    SharedLab.get();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedLab.get();
  }
}
