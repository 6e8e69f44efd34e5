/** Who a review is recorded as: the caller API Gateway authenticated, never a name the body states over it. */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { reviewerOf } from "../../../functions/api/routes/report-reviews.ts";

const eventWith = (identity: Record<string, string | null>) => ({ requestContext: { identity } }) as unknown as APIGatewayProxyEvent;

describe("reviewerOf", () => {
  it("records the IAM caller, the web page's Cognito identity before the role all its users share", () => {
    const role = "arn:aws:sts::123456789012:assumed-role/web-authenticated/CognitoIdentityCredentials";
    expect(reviewerOf(eventWith({ userArn: role, cognitoIdentityId: "us-east-1:abc", caller: "AROA…" }), "冒名者")).toBe("us-east-1:abc");
    expect(reviewerOf(eventWith({ userArn: "arn:aws:iam::123456789012:user/ops", cognitoIdentityId: null }), "冒名者")).toBe("arn:aws:iam::123456789012:user/ops");
  });

  it("takes the stated reviewer only where no caller is known (the local stack), else local", () => {
    expect(reviewerOf(eventWith({ sourceIp: "127.0.0.1" }), "审核员甲")).toBe("审核员甲");
    expect(reviewerOf(eventWith({ sourceIp: "127.0.0.1" }), undefined)).toBe("local");
  });
});
