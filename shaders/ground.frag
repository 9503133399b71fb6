#version 330 core
// Ground with an anti-aliased 1 m grid (and faint 0.25 m lines), fading into fog.
in vec3 v_world;

uniform vec3 u_eye;
uniform vec3 u_ground_colour;
uniform vec3 u_line_colour;
uniform vec3 u_fog_colour;
uniform float u_fog_start;
uniform float u_fog_end;

out vec4 frag_colour;

void main() {
    // Distance to the nearest line in pixels (one fwidth serves both grids).
    vec2 p = v_world.xz;
    vec2 w = fwidth(p);
    vec2 major = abs(fract(p - 0.5) - 0.5) / w;
    vec2 minor = abs(fract(p * 4.0 - 0.5) - 0.5) / (4.0 * w);
    float line = 1.0 - clamp(min(major.x, major.y) - 0.6, 0.0, 1.0);
    line = max(line, 0.35 * (1.0 - clamp(min(minor.x, minor.y) - 0.2, 0.0, 1.0)));
    vec3 c = mix(u_ground_colour, u_line_colour, line);
    float dist = length(u_eye - v_world);
    float fog = clamp((dist - u_fog_start) / (u_fog_end - u_fog_start), 0.0, 1.0);
    frag_colour = vec4(mix(c, u_fog_colour, fog), 1.0);
}
