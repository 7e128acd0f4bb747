package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

/** How a string value is shown in an explanation does not depend on whether a generator wrote it. */
class TextsTest {

    @Test
    void aStringValueIsShownAsTheGeneratorWritesItCutAtTheSamePlace() {
        Random random = new Random(14);
        String alphabet = "ab/\"\\\n\t\u0000\u001f\u007f é€😀";
        for (int i = 0; i < 5000; i++) {
            int length = random.nextInt(i % 10 == 0 ? 200 : 90);
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                int pick = random.nextInt(alphabet.length() + 4);
                text.append(pick < alphabet.length() ? alphabet.charAt(pick) : (char) random.nextInt(0x3000));
            }
            TextNode node = TextNode.valueOf(text.toString());
            assertThat(Texts.json(node)).as("%s", text).isEqualTo(Texts.written(node));
        }
        assertThat(Texts.json(TextNode.valueOf("x".repeat(79)))).hasSize(80).endsWith("…");
        assertThat(Texts.json(TextNode.valueOf("x".repeat(78)))).isEqualTo('"' + "x".repeat(78) + '"');
    }
}
