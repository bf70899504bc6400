package messenger

// GraphVersion is the Graph API version every request is pinned to. Change it
// here and nowhere else.
const GraphVersion = "v25.0"

// DefaultBaseURL is the Graph API host used when Client.BaseURL is empty.
const DefaultBaseURL = "https://graph.facebook.com"
