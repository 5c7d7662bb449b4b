/**
 * Decisions back to training: decided reviews written in formats annotation tools and trainers import (Label
 * Studio tasks, COCO, PaddleClas lists). Plain files; reading Kafka is the caller's part ({@code camstream export}).
 */
package io.camstream.review.export;
