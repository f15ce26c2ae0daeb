package io.hardneg.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/** One id per model: stable across a save and restore, different when a parameter changes. */
class ModelIdTest {
  private static final ModelSpec SPEC =
      new ModelSpec(Architecture.MLP, 6, new int[] {5}, 3, 1e-3, 7);

  private static byte[] zip(MultiLayerNetwork net) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, b, true);
    return b.toByteArray();
  }

  @Test
  void aSavedAndRestoredNetworkKeepsItsIdAndAChangedParameterChangesIt() throws Exception {
    MultiLayerNetwork net = EmbeddingNetworks.build(SPEC);
    String id = ModelId.of(net);
    assertTrue(id.matches("[0-9a-f]{16}"), id);
    byte[] first = zip(net);
    Thread.sleep(1100); // zip entries carry timestamps of second (DOS: 2 s) resolution
    byte[] second = zip(net);
    MultiLayerNetwork restored =
        ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(second), false);
    assertEquals(id, ModelId.of(restored), "restored from a later zip of the same network");
    assertEquals(
        id,
        ModelId.of(
            ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(first), true)));
    restored.params().putScalar(0, restored.params().getDouble(0) + 1e-3);
    assertNotEquals(id, ModelId.of(restored));
    assertEquals(id, ModelId.of(EmbeddingNetworks.build(SPEC)), "same seed, same network");
  }
}
