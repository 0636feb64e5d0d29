/* ocirt: stats (placeholder) */
