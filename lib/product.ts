/** How this app names itself in tags, descriptions and stack names. */
export const PRODUCT = "hcp-aws-trust";
