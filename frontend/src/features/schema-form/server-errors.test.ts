import { describe, expect, it } from "vitest";
import { mapServerErrors } from "./server-errors";

describe("mapServerErrors", () => {
  const params = ["month", "title"];

  it("maps body.params and params-relative locations to param fields", () => {
    const mapped = mapServerErrors(
      [
        {
          loc: ["body", "params", "month"],
          msg: "Input should be less than or equal to 12",
          type: "less_than_equal",
        },
        { loc: ["params", "title"], msg: "Value error, title is taken", type: "value_error" },
      ],
      params,
    );
    expect(mapped.params).toEqual({
      month: "Input should be less than or equal to 12",
      title: "Title is taken",
    });
    expect(mapped.general).toEqual([]);
  });

  it("maps loc inside params (['month']) and submission fields", () => {
    const mapped = mapServerErrors(
      [
        { loc: ["month"], msg: "bad month", type: "x" },
        { loc: ["body", "timeout_s"], msg: "Too long", type: "x" },
        { loc: ["body", "priority"], msg: "Unknown", type: "x" },
      ],
      params,
    );
    expect(mapped.params).toEqual({ month: "Bad month" });
    expect(mapped.submission).toEqual({ timeout_s: "Too long", priority: "Unknown" });
  });

  it("keeps unknown locations as general errors with their path", () => {
    const mapped = mapServerErrors(
      [
        { loc: ["body", "params", "ghost"], msg: "Extra inputs are not permitted", type: "extra_forbidden" },
        { loc: [], msg: "something", type: "x" },
      ],
      params,
    );
    expect(mapped.general).toEqual(["ghost: Extra inputs are not permitted", "Something"]);
  });
});
