import { type CSSVariablesResolver, createTheme, defaultVariantColorsResolver } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  // Darker shades keep white text on filled buttons and badges above WCAG AA contrast (4.5:1) in
  // both schemes (indigo 5, Mantine's dark default, gives 3.7:1).
  primaryShade: { light: 7, dark: 7 },
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  focusRing: "auto",
  // Filled badges and buttons in light colours (green, yellow...) get dark text instead of white.
  autoContrast: true,
  variantColorResolver: (input) => {
    const colors = defaultVariantColorsResolver(input);
    // "Light" (tinted) badges and buttons: Mantine writes the colour's dark shade on its tint, which
    // stays below AA for green, orange, yellow and on hover. The tint carries the colour; the text
    // keeps the body colour, readable in both schemes.
    if (input.variant === "light") {
      return { ...colors, color: "var(--mantine-color-text)", hoverColor: "var(--mantine-color-text)" };
    }
    return colors;
  },
});

// Mantine's "dimmed" text (hints, captions, timestamps) is gray 6 on white (3.3:1) and dark 2 on
// the dark body (4.0:1), both below AA for body-size text: one step darker / lighter passes.
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { "--mantine-color-dimmed": t.colors.gray[7] },
  dark: { "--mantine-color-dimmed": t.colors.dark[1] },
});
